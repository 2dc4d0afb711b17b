import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Strings } from '../../../protocol/wording/overrides.ts';

/** The pages' files (kiosk/public): plain HTML, CSS and ES modules, no build step. */
export const PAGES_DIR = fileURLToPath(new URL('../../../kiosk/public/', import.meta.url));

/** Page paths the hub serves, and their files under PAGES_DIR. */
const PAGES: Record<string, string> = {
  '/kiosk': 'kiosk.html',
  '/counter': 'counter.html',
  '/board': 'board.html',
  '/technician': 'technician.html',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
};

/**
 * Serves the pages and their assets. Only the files present at start are served, by
 * exact name from a table made then, so no request path ever reaches the file system
 * (no traversal to guard). `/assets/strings.js`, the pages' wording, is made here from
 * the centre's wording table (protocol/wording, with the config's `strings` applied).
 */
export function pageRoutes(app: FastifyInstance, deps: { strings: Strings; pagesDir?: string }): void {
  const pagesDir = deps.pagesDir ?? PAGES_DIR;
  const send = (type: string, body: () => Buffer) => async (_request: unknown, reply: { header: (k: string, v: string) => unknown; send: (body: Buffer) => unknown }) => {
    reply.header('content-type', type);
    reply.header('cache-control', 'no-cache');
    return reply.send(body());
  };
  const serve = (file: string) => send(CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', () => readFileSync(join(pagesDir, file)));
  for (const [path, file] of Object.entries(PAGES)) {
    if (exists(join(pagesDir, file))) app.get(path, serve(file));
  }
  for (const file of listFiles(join(pagesDir, 'assets'))) app.get(`/assets/${file}`, serve(join('assets', file)));
  const strings = Buffer.from(`// The centre's wording (protocol/wording/strings.ts with the config's \`strings\`), made by the hub.\nexport const STRINGS = ${JSON.stringify(deps.strings)};\n`);
  app.get('/assets/strings.js', send(CONTENT_TYPES['.js']!, () => strings));
}

function exists(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Files under `dir`, as relative paths with '/', recursively. */
function listFiles(dir: string, prefix = ''): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name), `${prefix}${entry.name}/`) : entry.isFile() ? [`${prefix}${entry.name}`] : []));
}
