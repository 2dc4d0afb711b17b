import BetterSqlite3, { type Database } from 'better-sqlite3';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateDir } from '../../runtime/private-files.ts';
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
    makePrivateDir(dataDir);
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

  /** Adds to the owner file what CLI commands need to reach the running hub (its HTTP port). */
  describe(owner: HubOwner): void {
    writeFileSync(this.#ownerFile, JSON.stringify(owner));
  }

  release(): void {
    if (!this.#db.open) return;
    rmSync(this.#ownerFile, { force: true });
    this.#db.exec('ROLLBACK');
    this.#db.close();
  }
}

export interface HubOwner {
  pid: number;
  httpPort?: number;
  mqttPort?: number;
}

/**
 * The running hub of a data dir, or null when none holds the lock (the owner file
 * can outlive a SIGKILLed hub; the lock cannot, so the lock is what counts).
 */
export function runningHub(dataDir: string): HubOwner | null {
  if (!existsSync(join(dataDir, 'hub.lock'))) return null;
  const db = new BetterSqlite3(join(dataDir, 'hub.lock'), { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('ROLLBACK');
    return null;
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
  } finally {
    db.close();
  }
  try {
    return JSON.parse(readFileSync(join(dataDir, 'hub.lock.owner'), 'utf8')) as HubOwner;
  } catch {
    return { pid: 0 };
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
