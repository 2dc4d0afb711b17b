import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Secrets at rest on the file system (docs/security.md, "Files"): data dirs are 0700
 * and what the programs keep in them 0600. The programs run with umask 077 (each
 * main.ts), so what they create is private from the start; the chmods here cover files
 * made by an older version, by another process (a CLI command started from a shell
 * with umask 022) or restored from a backup.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
/** Permission bits for group and others. */
const GROUP_OR_OTHER = 0o077;

/** Creates the directory if needed and makes it 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Makes the named files in `dir` 0600 (those that exist), or, without names, every
 * regular file directly in it (for a dir the program owns whole, like the hub's data
 * dir). Symbolic links are left alone: chmod would follow them out of the dir.
 * Returns the paths it changed.
 */
export function makeFilesPrivate(dir: string, names?: readonly string[]): string[] {
  const changed: string[] = [];
  for (const name of names ?? readdirSync(dir)) {
    const path = join(dir, name);
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      continue;
    }
    if (!stat.isFile() || (stat.mode & 0o777) === PRIVATE_FILE_MODE) continue;
    chmodSync(path, PRIVATE_FILE_MODE);
    changed.push(path);
  }
  return changed;
}

/** ensurePrivateDir, then every file in it private: for a data dir the program owns whole. */
export function makePrivateDir(dir: string): string[] {
  ensurePrivateDir(dir);
  return makeFilesPrivate(dir);
}

/** A warning naming the fix when a file holding a secret is open to group or others; undefined when it is not. */
export function openToOthersWarning(path: string, mode: number, what: string): string | undefined {
  if ((mode & GROUP_OR_OTHER) === 0) return undefined;
  return `${what} ${path} can be read by other users (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); run: chmod 600 ${path}`;
}
