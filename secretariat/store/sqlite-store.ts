import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { dirname, join } from 'node:path';
import type { SyncHeartbeat } from '../../protocol/sync/index.ts';
import { ensurePrivateDir, makeFilesPrivate } from '../../runtime/private-files.ts';
import { EVENT_COLUMN_COUNT, EVENT_COLUMNS, SQLITE_MIGRATIONS } from './sqlite-schema.ts';
import { updateSqliteSecrets } from './sqlite-secrets.ts';
import {
  INSERT_CHUNK_ROWS, asStoreError, centreSummary, planBatch, seqsToLookUp, walkInserted, type CentreRow,
} from './store-shared.ts';
import {
  StoreError, type BatchOutcome, type CentreSummary, type IncomingBatch, type IncomingEvent, type SecretariatStore,
  type SecretsUpdate, type StoredSecrets, type SyncPosition,
} from './store.ts';

export const SECRETARIAT_DB_FILE = 'secretariat.db';
/** The database and the files SQLite keeps beside it: all 0600 (docs/security.md, "Secretariat"). */
export const SECRETARIAT_DB_FILES = [SECRETARIAT_DB_FILE, `${SECRETARIAT_DB_FILE}-wal`, `${SECRETARIAT_DB_FILE}-shm`, `${SECRETARIAT_DB_FILE}-journal`] as const;

const CENTRE_COLUMNS = `centre_id AS centreId, created_at AS createdAt, epoch, events_total AS eventsTotal,
  acked_through_seq AS ackedThroughSeq, highest_seq AS highestSeq, last_sync_at AS lastSyncAt,
  duplicates_ignored AS duplicatesIgnored, quarantined_total AS quarantinedTotal, conflicts_total AS conflictsTotal,
  last_heartbeat_at AS lastHeartbeatAt, heartbeat`;

/**
 * The default store: `secretariat.db` under the data dir. SQLite has one writer at a
 * time and every write here is a BEGIN IMMEDIATE transaction, which is what
 * serialises a centre's batches (invariant 2), also against a CLI `centre add` in
 * another process (busy_timeout makes that one wait instead of failing).
 */
export class SqliteSecretariatStore implements SecretariatStore {
  readonly #path: string;
  readonly #busyTimeoutMs: number;
  #db: Database | undefined;
  #sql: ReturnType<typeof prepareStatements> | undefined;
  /** Multi-row event INSERTs by row count; chunk sizes are powers of two, so ≤ 10 of them. */
  readonly #multiRow = new Map<number, Statement>();

  constructor(options: { dataDir: string; busyTimeoutMs?: number }) {
    this.#path = join(options.dataDir, SECRETARIAT_DB_FILE);
    this.#busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  }

  async init(): Promise<void> {
    if (this.#db) return;
    let db: Database | undefined;
    try {
      const dir = dirname(this.#path);
      ensurePrivateDir(dir);
      db = new BetterSqlite3(this.#path);
      db.pragma(`busy_timeout = ${this.#busyTimeoutMs}`);
      // WAL + FULL: a batch we acknowledged survives power loss, not just a crash.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      migrate(db);
      // SQLite creates -wal and -shm with the database file's mode, so 0600 here holds
      // for the ones it makes later too.
      makeFilesPrivate(dir, SECRETARIAT_DB_FILES);
      this.#sql = prepareStatements(db);
      this.#db = db;
    } catch (error) {
      db?.close();
      throw asStoreError(error, `opening ${this.#path}`);
    }
  }

  async close(): Promise<void> {
    this.#db?.close();
    this.#db = undefined;
    this.#sql = undefined;
    this.#multiRow.clear();
  }

  async addCentre(centreId: string, secret: string, nowMs: number): Promise<void> {
    const { sql } = this.#open('addCentre');
    const added = run('addCentre', () => sql.addCentre.run(centreId, secret, nowMs).changes);
    if (added === 0) throw new StoreError('centre_exists', `centre ${centreId} is already registered`);
  }

  async centreSecret(centreId: string): Promise<string | undefined> {
    const { sql } = this.#open('centreSecret');
    return run('centreSecret', () => (sql.secret.get(centreId) as { secret: string } | undefined)?.secret);
  }

  async updateSecrets(plan: (stored: StoredSecrets) => SecretsUpdate): Promise<void> {
    updateSqliteSecrets(this.#open('updateSecrets').db, plan);
  }

  async applyBatch(batch: IncomingBatch): Promise<BatchOutcome> {
    const { db, sql } = this.#open('applyBatch');
    return run('applyBatch', () => db.transaction(() => {
      // Under BEGIN IMMEDIATE we hold the write lock before reading the position: the
      // SQLite counterpart of Postgres's FOR UPDATE on the centre row.
      const centre = sql.position.get(batch.centreId) as SyncPosition | undefined;
      if (!centre) throw new StoreError('centre_unknown', `centre ${batch.centreId} is not registered`);
      const held = new Map<number, string>();
      const lookUp = seqsToLookUp(batch.events, centre.highestSeq);
      if (lookUp.length > 0) {
        for (const row of sql.heldHashes.all(batch.centreId, JSON.stringify(lookUp)) as Array<{ seq: number; hash: string }>) {
          held.set(row.seq, row.hash);
        }
      }
      const plan = planBatch(batch.events, held);
      this.#insertEvents(batch.centreId, batch.epoch, batch.receivedAtMs, plan.inserts);
      let conflictsKept = 0;
      for (const event of plan.conflicts) {
        conflictsKept += sql.conflict.run(batch.centreId, event.seq, event.hash, batch.epoch, event.type, event.at, event.dataJson, batch.receivedAtMs).changes;
      }
      for (const [type, count] of plan.typeCounts) sql.countType.run(batch.centreId, type, count);
      for (const f of plan.feedbackCounts) sql.countFeedback.run(batch.centreId, f.day, f.rating, f.misuse ? 1 : 0, f.count);

      // ackedThroughSeq: walk the inserted seqs up from the stored value, then, only if
      // the next seq was already held (a fresh lane above a filled gap), let the gap
      // query find the end of that run. Nothing at or below the old value is read.
      const acked = (sql.contiguousFrom.get({ centreId: batch.centreId, after: walkInserted(centre.ackedThroughSeq, plan) }) as { acked: number }).acked;
      const highestSeq = Math.max(centre.highestSeq, plan.highestInserted);
      sql.updateCentre.run({
        centreId: batch.centreId, epoch: batch.epoch, acked, highestSeq, at: batch.receivedAtMs, stored: plan.validStored,
        duplicates: plan.duplicates, quarantined: plan.quarantined.length, conflicts: conflictsKept,
      });
      return {
        ackedThroughSeq: acked, highestSeq, stored: plan.validStored, duplicates: plan.duplicates,
        conflicts: plan.conflicts.length, conflictSeqs: plan.conflicts.map((event) => event.seq), quarantined: plan.quarantined,
      };
    }).immediate());
  }

  async recordHeartbeat(centreId: string, heartbeat: SyncHeartbeat, receivedAtMs: number): Promise<SyncPosition> {
    const { sql } = this.#open('recordHeartbeat');
    const position = run('recordHeartbeat', () => sql.heartbeat.get(JSON.stringify(heartbeat), receivedAtMs, centreId) as SyncPosition | undefined);
    if (!position) throw new StoreError('centre_unknown', `centre ${centreId} is not registered`);
    return position;
  }

  async listCentres(options: { today: string }): Promise<CentreSummary[]> {
    const { db, sql } = this.#open('listCentres');
    // One read transaction, so the centre rows and their counts are one snapshot.
    return run('listCentres', () => db.transaction(() => {
      const types = sql.allTypes.all() as Array<{ centreId: string; type: string; count: number }>;
      const feedback = sql.allFeedback.all(options.today) as Array<{ centreId: string; rating: number; misuse: number; count: number }>;
      return (sql.centres.all() as CentreRow[]).map((row) => centreSummary(
        row,
        types.filter((t) => t.centreId === row.centreId),
        feedback.filter((f) => f.centreId === row.centreId).map((f) => ({ ...f, misuse: f.misuse === 1 })),
      ));
    })());
  }

  async getCentre(centreId: string, options: { today: string }): Promise<CentreSummary | undefined> {
    const { db, sql } = this.#open('getCentre');
    return run('getCentre', () => db.transaction(() => {
      const row = sql.centre.get(centreId) as CentreRow | undefined;
      if (!row) return undefined;
      const feedback = sql.feedback.all(centreId, options.today) as Array<{ rating: number; misuse: number; count: number }>;
      return centreSummary(row, sql.types.all(centreId) as Array<{ type: string; count: number }>, feedback.map((f) => ({ ...f, misuse: f.misuse === 1 })));
    })());
  }

  async rawInsert(centreId: string, events: IncomingEvent[], receivedAtMs: number): Promise<void> {
    const { db, sql } = this.#open('rawInsert');
    // No epoch is given: '' keeps the column NOT NULL without a lookup. highest_seq is
    // kept (one UPDATE): applyBatch trusts that no seq above it is held.
    run('rawInsert', () => db.transaction(() => {
      this.#insertEvents(centreId, '', receivedAtMs, events);
      sql.raiseHighest.run(events.reduce((highest, event) => Math.max(highest, event.seq), 0), centreId);
    }).immediate());
  }

  /** Multi-row INSERTs in chunks of 512, 256, … rows: bounded variables, ≤ 10 cached statements. */
  #insertEvents(centreId: string, epoch: string, receivedAtMs: number, events: IncomingEvent[]): void {
    let start = 0;
    while (start < events.length) {
      let rows = INSERT_CHUNK_ROWS;
      while (rows > events.length - start) rows >>= 1;
      const params: unknown[] = [];
      for (const event of events.slice(start, start + rows)) {
        params.push(centreId, event.seq, epoch, event.type, event.at, event.hash, event.dataJson, receivedAtMs,
          event.quarantine?.reason ?? null, event.quarantine?.message ?? null);
      }
      this.#insertStatement(rows).run(params);
      start += rows;
    }
  }

  #insertStatement(rows: number): Statement {
    let statement = this.#multiRow.get(rows);
    if (!statement) {
      const row = `(${Array.from({ length: EVENT_COLUMN_COUNT }, () => '?').join(', ')})`;
      statement = this.#open('insert').db.prepare(`INSERT INTO events (${EVENT_COLUMNS}) VALUES ${Array.from({ length: rows }, () => row).join(', ')}`);
      this.#multiRow.set(rows, statement);
    }
    return statement;
  }

  #open(doing: string): { db: Database; sql: ReturnType<typeof prepareStatements> } {
    if (!this.#db || !this.#sql) throw new StoreError('store_unavailable', `${doing}: the SQLite store is not open (call init())`);
    return { db: this.#db, sql: this.#sql };
  }
}

function run<T>(doing: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw asStoreError(error, doing);
  }
}

/**
 * Applies each migration newer than the file in its own IMMEDIATE transaction with its
 * version bump; the version is read again under the write lock, since a CLI and the
 * receiver may open a new data dir at the same moment.
 */
function migrate(db: Database): void {
  const latest = SQLITE_MIGRATIONS.at(-1)?.version ?? 0;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) throw new StoreError('store_unavailable', `secretariat.db schema version ${current} is newer than this software knows (${latest}); upgrade the software`);
  for (const migration of SQLITE_MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= migration.version) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

function prepareStatements(db: Database) {
  return {
    addCentre: db.prepare('INSERT INTO centres (centre_id, secret, created_at) VALUES (?, ?, ?) ON CONFLICT (centre_id) DO NOTHING'),
    secret: db.prepare('SELECT secret FROM centres WHERE centre_id = ?'),
    centre: db.prepare(`SELECT ${CENTRE_COLUMNS} FROM centres WHERE centre_id = ?`),
    position: db.prepare('SELECT acked_through_seq AS ackedThroughSeq, highest_seq AS highestSeq FROM centres WHERE centre_id = ?'),
    centres: db.prepare(`SELECT ${CENTRE_COLUMNS} FROM centres ORDER BY centre_id`),
    heldHashes: db.prepare('SELECT seq, hash FROM events WHERE centre_id = ? AND seq IN (SELECT value FROM json_each(?))'),
    conflict: db.prepare('INSERT INTO conflicts (centre_id, seq, hash, epoch, type, at, data, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    countType: db.prepare('INSERT INTO event_counts (centre_id, type, count) VALUES (?, ?, ?) ON CONFLICT (centre_id, type) DO UPDATE SET count = count + excluded.count'),
    countFeedback: db.prepare(`INSERT INTO feedback_daily (centre_id, day, rating, misuse, count) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (centre_id, day, rating, misuse) DO UPDATE SET count = count + excluded.count`),
    // ackedThroughSeq from `after` (already walked over the batch's own seqs): if
    // after+1 is held, it is part of a run held before this batch (a fresh lane above
    // a gap this batch filled); its end is the first held seq above `after` whose
    // successor is not held. Walks the primary key upward from `after`, never below.
    contiguousFrom: db.prepare(`SELECT CASE
      WHEN EXISTS (SELECT 1 FROM events WHERE centre_id = @centreId AND seq = @after + 1)
      THEN (SELECT e.seq FROM events e WHERE e.centre_id = @centreId AND e.seq > @after
        AND NOT EXISTS (SELECT 1 FROM events n WHERE n.centre_id = @centreId AND n.seq = e.seq + 1) ORDER BY e.seq LIMIT 1)
      ELSE @after END AS acked`),
    updateCentre: db.prepare(`UPDATE centres SET epoch = @epoch, acked_through_seq = @acked, highest_seq = @highestSeq,
      last_sync_at = @at, events_total = events_total + @stored, duplicates_ignored = duplicates_ignored + @duplicates,
      quarantined_total = quarantined_total + @quarantined, conflicts_total = conflicts_total + @conflicts
      WHERE centre_id = @centreId`),
    raiseHighest: db.prepare('UPDATE centres SET highest_seq = max(highest_seq, ?) WHERE centre_id = ?'),
    heartbeat: db.prepare(`UPDATE centres SET heartbeat = ?, last_heartbeat_at = ? WHERE centre_id = ?
      RETURNING acked_through_seq AS ackedThroughSeq, highest_seq AS highestSeq`),
    types: db.prepare('SELECT type, count FROM event_counts WHERE centre_id = ?'),
    allTypes: db.prepare('SELECT centre_id AS centreId, type, count FROM event_counts'),
    feedback: db.prepare('SELECT rating, misuse, count FROM feedback_daily WHERE centre_id = ? AND day = ?'),
    allFeedback: db.prepare('SELECT centre_id AS centreId, rating, misuse, count FROM feedback_daily WHERE day = ?'),
  };
}
