import { chmodSync, existsSync, lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Secrets at rest on the file system (docs/security.md, "Secretariat"): the data dir is
 * 0700 and what the Secretariat keeps in it is 0600. The process runs with umask 077
 * (main.ts), so what it creates is private from the start; the explicit chmod here
 * covers files made by an older version, by another process (a `centre add` started
 * from a shell with umask 022) or restored from a backup.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates the directory if needed and makes it 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Makes each existing file 0600. Symbolic links are left alone: chmod would follow them
 * out of the data dir. Only the files named are touched, never the whole directory: an
 * operator may point --data-dir somewhere that holds other things.
 */
export function makeFilesPrivate(dir: string, names: readonly string[]): void {
  for (const name of names) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    const stat = lstatSync(path);
    if (stat.isFile() && (stat.mode & 0o777) !== PRIVATE_FILE_MODE) chmodSync(path, PRIVATE_FILE_MODE);
  }
}

/** A warning naming the fix when a file holding a secret is open to group or others; undefined when it is not. */
export function groupOrOtherWarning(path: string, mode: number, what: string): string | undefined {
  if ((mode & 0o077) === 0) return undefined;
  return `${what} ${path} can be read by other users (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); run: chmod 600 ${path}`;
}
