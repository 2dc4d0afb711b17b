import type { Database } from 'better-sqlite3';
import { loadHubConfig } from '../config/load.ts';
import { readCentreCounters } from '../devices/device-store.ts';
import { openHubDatabase } from '../store/database.ts';

export interface StoreFlags {
  'data-dir'?: string | undefined;
  config?: string | undefined;
}

/**
 * CLI commands work on the data dir's database directly, also while the hub runs
 * (WAL lets them write between the hub's commits; each write is one short
 * transaction). The data dir comes from --data-dir, else the config's, else the
 * default, the same rule `start` uses.
 */
/** The data dir a command works on: --data-dir, else the config's, else the default. */
export function dataDirOf(flags: StoreFlags): string {
  if (flags['data-dir'] !== undefined && flags.config === undefined) return flags['data-dir'];
  return flags['data-dir'] ?? loadHubConfig(flags.config === undefined ? {} : { configPath: flags.config }).config.dataDir;
}

export function withStore<T>(flags: StoreFlags, use: (db: Database, counters: Set<string>) => T): T {
  const needsConfig = flags['data-dir'] === undefined || flags.config !== undefined;
  const loaded = needsConfig ? loadHubConfig(flags.config === undefined ? {} : { configPath: flags.config }) : null;
  const dataDir = flags['data-dir'] ?? loaded!.config.dataDir;
  const db = openHubDatabase(dataDir, { role: 'cli' });
  try {
    // The counters the hub runs (at its last start or live change, docs/live-config.md); before its first start,
    // those of the config given here (or the sample centre).
    let counters = readCentreCounters(db);
    if (counters.size === 0) {
      const config = loaded?.config ?? loadHubConfig().config;
      counters = new Set(config.counters.map((c) => c.id));
    }
    return use(db, counters);
  } finally {
    db.close();
  }
}

/** withStore for a command that awaits (the officer PIN hash): the database closes after `use` settles. */
export async function withStoreAsync<T>(flags: StoreFlags, use: (db: Database, counters: Set<string>) => Promise<T>): Promise<T> {
  const db = openHubDatabase(dataDirOf(flags), { role: 'cli' });
  try {
    return await use(db, readCentreCounters(db));
  } finally {
    db.close();
  }
}
