import BetterSqlite3, { type Database } from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchFailedError, GroupCommit, type BatchParticipant, type CommitItem } from '../../hub/store/group-commit.ts';
import { silentLogger } from '../../hub/logger.ts';
import { tempDir } from '../helpers/temp-dir.ts';

describe('GroupCommit (real SQLite file)', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Database;
  let commit: GroupCommit;
  beforeEach(() => {
    dir = tempDir();
    db = new BetterSqlite3(join(dir.path, 'test.db'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE rows (v TEXT NOT NULL UNIQUE)');
    commit = new GroupCommit({ db, log: silentLogger() });
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  const committed = () => (db.prepare('SELECT v FROM rows ORDER BY rowid').all() as Array<{ v: string }>).map((r) => r.v);

  /** Submits an item inserting `value`; resolves with what its callback got, and whether its row was visible then. */
  function insert(value: string, extra: Partial<CommitItem> = {}): Promise<{ error: Error | null; visible: boolean }> {
    return new Promise((resolve) => {
      commit.submit({
        apply: (d) => void d.prepare('INSERT INTO rows (v) VALUES (?)').run(value),
        ...extra,
        done: (error) => resolve({ error, visible: committed().includes(value) }),
      });
    });
  }

  it('writes everything submitted in one turn in one transaction, and calls back only after COMMIT', async () => {
    const results = await Promise.all(['a', 'b', 'c'].map((v) => insert(v)));
    expect(results).toEqual([{ error: null, visible: true }, { error: null, visible: true }, { error: null, visible: true }]);
    expect(commit.stats).toMatchObject({ commits: 1, items: 3, largestBatch: 3, failedCommits: 0 });
    await insert('d');
    expect(commit.stats.commits).toBe(2);
  });

  it('fails the whole batch when the disk is full, and writes none of it', async () => {
    // max_page_count makes SQLite answer SQLITE_FULL, as a full disk does.
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 1}`);
    const big = 'x'.repeat(6000);
    const results = await Promise.all([insert('small'), insert(`${big}1`), insert(`${big}2`)]);
    for (const result of results) {
      expect(result.error).toBeInstanceOf(BatchFailedError);
      expect((result.error as BatchFailedError).code).toBe('SQLITE_FULL');
      expect(result.visible).toBe(false);
    }
    expect(committed()).toEqual([]);
    expect(commit.stats.failedCommits).toBe(1);
    db.pragma('max_page_count = 1000000');
    expect(await insert('small')).toEqual({ error: null, visible: true });
  });

  it('sets a poison item aside without failing its neighbours', async () => {
    const setAside: string[] = [];
    const [ok1, poison, ok2] = await Promise.all([
      insert('one'),
      insert('one', { setAside: (_d, error) => setAside.push(error.message) }),
      insert('two'),
    ]);
    expect(ok1).toEqual({ error: null, visible: true });
    expect(poison.error).toBeNull();
    expect(setAside).toEqual([expect.stringMatching(/UNIQUE constraint failed/)]);
    expect(ok2).toEqual({ error: null, visible: true });
    expect(committed()).toEqual(['one', 'two']);
    expect(commit.stats.setAside).toBe(1);
  });

  it('fails only the item when it cannot be set aside', async () => {
    const [ok, failed] = await Promise.all([insert('x'), insert('x')]);
    expect(ok.error).toBeNull();
    expect(failed.error?.message).toMatch(/UNIQUE constraint failed/);
    expect(failed.error).not.toBeInstanceOf(BatchFailedError);
    expect(committed()).toEqual(['x']);
  });

  it('lets participants write inside the transaction and forget what a failed batch staged', async () => {
    db.exec('CREATE TABLE counter (n INTEGER NOT NULL)');
    db.exec('INSERT INTO counter VALUES (0)');
    let staged = 0;
    const participant: BatchParticipant = {
      beforeCommit: (d) => {
        d.prepare('UPDATE counter SET n = n + ?').run(staged);
        staged = 0;
      },
      afterRollback: () => {
        staged = 0;
      },
    };
    commit.addParticipant(participant);
    const stage = (value: string) => insert(value, { apply: (d) => { d.prepare('INSERT INTO rows (v) VALUES (?)').run(value); staged++; } });
    await Promise.all([stage('p'), stage('q')]);
    expect(db.prepare('SELECT n FROM counter').get()).toEqual({ n: 2 });

    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    const failed = await stage('r'.repeat(20_000));
    expect(failed.error).toBeInstanceOf(BatchFailedError);
    expect(staged).toBe(0);
    expect(db.prepare('SELECT n FROM counter').get()).toEqual({ n: 2 });
  });
});
