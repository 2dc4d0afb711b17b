import BetterSqlite3, { type Database } from 'better-sqlite3';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HubError } from '../errors.ts';

/**
 * One hub per data dir. The lock is an exclusive SQLite transaction held open on a
 * separate file for the life of the hub: it is an fcntl lock, so the kernel releases
 * it when the process dies, even by SIGKILL, and a stale lock can never block a
 * restart (a PID file could). A sibling text file names the holder for the message.
 */
export class InstanceLock {
  readonly #db: Database;
  readonly #ownerFile: string;

  private constructor(db: Database, ownerFile: string) {
    this.#db = db;
    this.#ownerFile = ownerFile;
  }

  static acquire(dataDir: string, owner: { pid: number }): InstanceLock {
    mkdirSync(dataDir, { recursive: true });
    const ownerFile = join(dataDir, 'hub.lock.owner');
    const db = new BetterSqlite3(join(dataDir, 'hub.lock'), { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') {
        throw new HubError('data_dir_locked', `another hub is already running on data dir ${dataDir}${describeOwner(ownerFile)}; stop it first or choose another --data-dir`);
      }
      throw error;
    }
    writeFileSync(ownerFile, JSON.stringify({ pid: owner.pid }));
    return new InstanceLock(db, ownerFile);
  }

  release(): void {
    if (!this.#db.open) return;
    rmSync(this.#ownerFile, { force: true });
    this.#db.exec('ROLLBACK');
    this.#db.close();
  }
}

function describeOwner(ownerFile: string): string {
  try {
    const { pid } = JSON.parse(readFileSync(ownerFile, 'utf8')) as { pid?: number };
    return typeof pid === 'number' ? ` (pid ${pid})` : '';
  } catch {
    return '';
  }
}
