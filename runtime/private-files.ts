import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Permission bits for group and others: none of them on anything a data dir holds. */
const GROUP_OR_OTHER = 0o077;

/**
 * Makes `dir` (created if missing) 0700 and every file directly in it 0600, for data
 * dirs that hold databases, keys and credentials (docs/security.md, "Files"). New
 * files are private anyway when the process runs with umask 077 (the programs set it
 * at start); this tightens what an older version or a copy left open. Returns the
 * paths it changed.
 */
export function makePrivateDir(dir: string): string[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const changed: string[] = [];
  const tighten = (path: string, mode: number) => {
    const current = statSync(path).mode & 0o777;
    if ((current & GROUP_OR_OTHER) === 0) return;
    chmodSync(path, mode);
    changed.push(path);
  };
  tighten(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) tighten(join(dir, entry.name), 0o600);
    else if (entry.isDirectory()) tighten(join(dir, entry.name), 0o700);
  }
  return changed;
}

/** True when `path` exists and group or others may read or write it. */
export function isOpenToOthers(path: string): boolean {
  return existsSync(path) && (statSync(path).mode & GROUP_OR_OTHER) !== 0;
}
