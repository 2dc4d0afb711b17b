import type { Database } from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HubError } from '../errors.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Numbered files `NNN-name.sql`, applied in order; `PRAGMA user_version` records the last. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{3}-[a-z0-9-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({ version: Number(file.slice(0, 3)), name: file, sql: readFileSync(`${dir}${file}`, 'utf8') }));
}

/**
 * Applies every migration newer than the database, each in its own transaction with
 * its version bump, so a crash mid-way leaves the database at a whole version.
 * Returns the versions applied.
 */
export function migrate(db: Database, migrations = loadMigrations()): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new HubError('store_migration_failed', `database schema version ${current} is newer than this software knows (${latest}); upgrade the software or restore a matching backup`);
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    try {
      // The version is read again under the write lock: a CLI command and a starting
      // hub may race to create the same database.
      const ran = db.transaction(() => {
        if ((db.pragma('user_version', { simple: true }) as number) >= migration.version) return false;
        db.exec(migration.sql);
        db.pragma(`user_version = ${migration.version}`);
        return true;
      }).immediate();
      if (!ran) continue;
    } catch (error) {
      throw new HubError('store_migration_failed', `migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
    }
    applied.push(migration.version);
  }
  return applied;
}
