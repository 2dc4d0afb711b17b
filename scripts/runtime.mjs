// The compiled runtime: our TypeScript, transpiled once to plain ESM JavaScript under
// node_modules/.cache/huduma-hub/runtime/<digest of the sources>/, so the processes a
// centre runs (hub, bridge, Secretariat) start without a TypeScript loader. Node 20
// runs loader hooks on an extra thread, and tsx's costs ~35 MB of RSS per process
// (and per worker thread); the hub's 150 MB budget cannot carry that.
//
// No separate build step: `npm ci` builds it (prepare), `npm test` checks it, and a
// bin finding it stale (sources edited since) rebuilds it first, which takes a
// couple of seconds. The digest covers every source file, so a stale runtime is
// never used.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE_DIRS = ['runtime', 'protocol', 'hardware', 'hub', 'firmware-bridge', 'secretariat', 'demo', 'kiosk'];
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'huduma-hub', 'runtime');
const COMPLETE = '.complete';

function sourceFiles() {
  const files = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  for (const dir of SOURCE_DIRS) walk(join(ROOT, dir));
  return files;
}

/** Every input of the runtime, read once: the sources, package.json, this script, the compiler's version. */
function readInputs() {
  const files = sourceFiles().map((file) => ({ rel: relative(ROOT, file), content: readFileSync(file) }));
  let compiler = 'none';
  try {
    compiler = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'typescript', 'package.json'), 'utf8')).version;
  } catch {
    // No compiler (npm ci --omit=dev): the digest still names the sources.
  }
  const hash = createHash('sha256');
  for (const extra of [join(ROOT, 'package.json'), fileURLToPath(import.meta.url)]) hash.update(readFileSync(extra));
  hash.update(compiler);
  for (const { rel, content } of files) hash.update(rel).update('\0').update(content).update('\0');
  return { files, dir: join(CACHE_DIR, hash.digest('hex').slice(0, 20)) };
}

/** The runtime directory for the sources as they are now. */
export function runtimeDir() {
  return readInputs().dir;
}

export function isBuilt(dir) {
  return existsSync(join(dir, COMPLETE));
}

/** Builds the runtime for the current sources if it is missing; returns its directory. */
export async function buildRuntime() {
  // Transpiled from the very bytes the digest was taken of: an edit made meanwhile
  // cannot end up under the old digest.
  const { files, dir: target } = readInputs();
  if (isBuilt(target)) return target;
  const { default: ts } = await import('typescript');
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  for (const { rel, content } of files) {
    const file = join(ROOT, rel);
    if (rel.endsWith('.ts')) {
      const out = ts.transpileModule(content.toString('utf8'), {
        fileName: file,
        reportDiagnostics: false,
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, rewriteRelativeImportExtensions: true, verbatimModuleSyntax: true, sourceMap: false },
      });
      write(join(staging, rel.replace(/\.ts$/, '.js')), out.outputText);
    } else {
      write(join(staging, rel), content);
    }
  }
  // "type": "module" for the .js files, and the version the parts report.
  copyFileSync(join(ROOT, 'package.json'), join(staging, 'package.json'));
  writeFileSync(join(staging, COMPLETE), new Date().toISOString());
  try {
    renameSync(staging, target);
  } catch (error) {
    // Another process built the same sources first: theirs is as good as ours.
    rmSync(staging, { recursive: true, force: true });
    if (!isBuilt(target)) throw error;
  }
  pruneOld(target);
  return target;
}

function write(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/**
 * Removes runtimes that are both not among the three newest and over a week old: a
 * running process may still start a worker thread from the one it was launched from.
 */
function pruneOld(keep) {
  const weekAgo = Date.now() - 7 * 86_400_000;
  const dirs = readdirSync(CACHE_DIR)
    .map((name) => join(CACHE_DIR, name))
    .filter((dir) => dir !== keep && !dir.includes('.tmp-'))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  for (const dir of dirs.slice(2)) if (statSync(dir).mtimeMs < weekAgo) rmSync(dir, { recursive: true, force: true });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = await buildRuntime();
  process.stdout.write(`runtime: ${relative(ROOT, dir)}\n`);
}
