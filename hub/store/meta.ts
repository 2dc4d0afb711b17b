import type { Database } from 'better-sqlite3';

/** A value of the `meta` table (small key/value settings of the store and its features). */
export function readMeta(db: Database, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

/** Sets a `meta` value; call inside a transaction where it must commit with other rows. */
export function writeMeta(db: Database, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}
