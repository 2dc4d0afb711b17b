import type { Database } from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadHubConfig } from '../config/load.ts';
import { readCentreCounters, writeCentreCounters } from '../devices/device-store.ts';
import { HubError } from '../errors.ts';
import { openHubDatabase } from '../store/database.ts';

export interface StoreFlags {
  'data-dir'?: string | undefined;
  config?: string | undefined;
}

/** The counters of the centre that owns the data dir; read only by commands that name a counter. */
export type CentreCounters = () => ReadonlySet<string>;

/**
 * CLI commands work on the data dir's database directly, also while the hub runs
 * (WAL lets them write between the hub's commits; each write is one short
 * transaction). The data dir comes from --data-dir, else the config's, else the
 * default, the same rule `start` uses.
 */
export function dataDirOf(flags: StoreFlags): string {
  if (flags['data-dir'] !== undefined && flags.config === undefined) return flags['data-dir'];
  return flags['data-dir'] ?? loadHubConfig(flags.config === undefined ? {} : { configPath: flags.config }).config.dataDir;
}

/**
 * The data dir of a command that reads or changes what a hub keeps: it must exist. Only
 * `start` creates one; a command that made it silently answered `[]` from an empty
 * store, or issued credentials nobody reads (a typo, or ./data/hub while the demo runs
 * under data/demo/hub).
 */
export function existingDataDir(flags: StoreFlags): string {
  const dataDir = dataDirOf(flags);
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) {
    throw new HubError(
      'data_dir_missing',
      `data dir ${resolve(dataDir)} does not exist; give the --data-dir the hub runs with (the demo prints its own), or start the hub on this one first ("huduma-hub start --data-dir ${dataDir}")`,
    );
  }
  return dataDir;
}

export function withStore<T>(flags: StoreFlags, use: (db: Database, counters: CentreCounters) => T): T {
  const db = openHubDatabase(existingDataDir(flags), { role: 'cli' });
  try {
    return use(db, () => centreCounters(db, flags));
  } finally {
    db.close();
  }
}

/** withStore for a command that awaits (the officer PIN hash): the database closes after `use` settles. */
export async function withStoreAsync<T>(flags: StoreFlags, use: (db: Database, counters: CentreCounters) => Promise<T>): Promise<T> {
  const db = openHubDatabase(existingDataDir(flags), { role: 'cli' });
  try {
    return await use(db, () => centreCounters(db, flags));
  } finally {
    db.close();
  }
}

/**
 * The centre that owns the data dir: the counters of the config the hub last started
 * with (it records them at every start). Before the hub's first start only a --config
 * can say which centre the data dir is for; it is recorded then, so later commands and
 * the hub agree. The built-in sample centre is never assumed: a device provisioned for
 * its counter c05 in another centre's data dir would be refused by that hub later.
 */
function centreCounters(db: Database, flags: StoreFlags): ReadonlySet<string> {
  const recorded = readCentreCounters(db);
  if (recorded.size > 0) return recorded;
  if (flags.config === undefined) {
    throw new HubError(
      'centre_unknown',
      `data dir ${resolve(dataDirOf(flags))} does not know its centre yet (no hub has started on it): add --config FILE (the centre's config), or start the hub on it once`,
    );
  }
  const { config } = loadHubConfig({ configPath: flags.config });
  writeCentreCounters(db, config.counters);
  return new Set(config.counters.map((c) => c.id));
}
