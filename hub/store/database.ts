import BetterSqlite3, { type Database } from 'better-sqlite3';
import { join } from 'node:path';
import { makePrivateDir } from '../../runtime/private-files.ts';
import { migrate } from './migrate.ts';
import { ensureOutboxEpoch } from './outbox.ts';

export type { Database };
export { readMeta } from './meta.ts';

export const HUB_DB_FILE = 'hub.db';

export function hubDatabasePath(dataDir: string): string {
  return join(dataDir, HUB_DB_FILE);
}

export interface OpenOptions {
  /**
   * `hub`: the running hub's main-thread connection (reads, and rare admin writes).
   * It never checkpoints: a checkpoint's fsync would stall the event loop.
   * `writer`: the writer thread's connection, which does all ingest writes and the
   * automatic WAL checkpoints. `cli`: short-lived writers (device add …).
   */
  role: 'hub' | 'writer' | 'cli';
  /** Time a writer waits for the lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) the hub database with the durability the invariants
 * need: WAL with synchronous=FULL, so a committed press survives power loss, not just
 * a process crash (docs/performance.md). Applies pending migrations and makes sure the
 * outbox epoch exists. The data dir is 0700 and its files 0600.
 */
export function openHubDatabase(dataDir: string, options: OpenOptions): Database {
  makePrivateDir(dataDir);
  const db = new BetterSqlite3(hubDatabasePath(dataDir));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? (options.role === 'hub' ? 2000 : 10_000)}`);
  if (options.role === 'hub') db.pragma('wal_autocheckpoint = 0');
  migrate(db);
  ensureOutboxEpoch(db);
  // The WAL and shared-memory files exist now: private too (docs/security.md, "Files").
  makePrivateDir(dataDir);
  return db;
}
