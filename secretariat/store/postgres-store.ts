import pg, { type PoolClient, type QueryConfig } from 'pg';
import type { SyncHeartbeat } from '../../protocol/sync/index.ts';
import { EVENT_COLUMNS, META_TABLE_SQL, MIGRATION_LOCK_KEY, POSTGRES_MIGRATIONS } from './postgres-schema.ts';
import { updatePostgresSecrets } from './postgres-secrets.ts';
import {
  asStoreError, centreSummary, chunks, planBatch, seqsToLookUp, walkInserted, type CentreRow,
} from './store-shared.ts';
import {
  StoreError, type BatchOutcome, type CentreSummary, type IncomingBatch, type IncomingEvent, type SecretariatStore,
  type SecretsUpdate, type StoredSecrets, type SyncPosition,
} from './store.ts';

const CENTRE_COLUMNS = `centre_id, created_at, epoch, events_total, acked_through_seq, highest_seq, last_sync_at,
  duplicates_ignored, quarantined_total, conflicts_total, last_heartbeat_at, heartbeat`;

/**
 * The store for `--database-url postgres://…`, the same shape as SqliteSecretariatStore.
 * Several receiver processes may share the database: a batch transaction first locks
 * the centre's row FOR UPDATE, so one centre's batches run one at a time (invariant
 * 2) while other centres proceed in parallel. Rows go in through unnest() of arrays,
 * so an insert has 10 parameters however many rows it carries.
 */
export class PostgresSecretariatStore implements SecretariatStore {
  readonly #pool: pg.Pool;
  readonly #scrub: (text: string) => string;

  constructor(options: { connectionString: string; maxConnections?: number }) {
    this.#pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 4, connectionTimeoutMillis: 10_000 });
    // An idle client's error (server restart) must not crash the process: the next
    // query on the pool fails on its own and becomes store_unavailable.
    this.#pool.on('error', () => {});
    const secrets = passwordsOf(options.connectionString);
    this.#scrub = (text) => secrets.reduce((scrubbed, secret) => scrubbed.replaceAll(secret, '***'), text);
  }

  /** Migrations under a transaction-level advisory lock: safe when two processes start at once. */
  async init(): Promise<void> {
    await this.#transaction('init', async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await client.query(META_TABLE_SQL);
      const result = await client.query<{ value: string }>("SELECT value FROM secretariat_meta WHERE key = 'schema_version'");
      const current = Number(result.rows[0]?.value ?? 0);
      const latest = POSTGRES_MIGRATIONS.at(-1)?.version ?? 0;
      if (current > latest) throw new StoreError('store_unavailable', `database schema version ${current} is newer than this software knows (${latest}); upgrade the software`);
      for (const migration of POSTGRES_MIGRATIONS) {
        if (migration.version <= current) continue;
        await client.query(migration.sql);
        await client.query(`INSERT INTO secretariat_meta (key, value) VALUES ('schema_version', $1)
          ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [String(migration.version)]);
      }
    });
  }

  async close(): Promise<void> {
    if (!this.#pool.ended) await this.#pool.end();
  }

  async addCentre(centreId: string, secret: string, nowMs: number): Promise<void> {
    const result = await this.#query('addCentre', 'INSERT INTO centres (centre_id, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (centre_id) DO NOTHING', [centreId, secret, nowMs]);
    if (result.rowCount === 0) throw new StoreError('centre_exists', `centre ${centreId} is already registered`);
  }

  async centreSecret(centreId: string): Promise<string | undefined> {
    const result = await this.#query('centreSecret', 'SELECT secret FROM centres WHERE centre_id = $1', [centreId]);
    return (result.rows[0] as { secret: string } | undefined)?.secret;
  }

  async updateSecrets(plan: (stored: StoredSecrets) => SecretsUpdate): Promise<void> {
    await updatePostgresSecrets({ transaction: (doing, work) => this.#transaction(doing, work), connect: () => this.#pool.connect() }, plan);
  }

  async applyBatch(batch: IncomingBatch): Promise<BatchOutcome> {
    const { centreId, epoch, receivedAtMs } = batch;
    return this.#transaction('applyBatch', async (client) => {
      // First statement, by design: waits for any other transaction on this centre.
      const locked = await client.query({ name: 'sec-lock', text: 'SELECT acked_through_seq, highest_seq FROM centres WHERE centre_id = $1 FOR UPDATE', values: [centreId] });
      const centre = locked.rows[0] as { acked_through_seq: string; highest_seq: string } | undefined;
      if (!centre) throw new StoreError('centre_unknown', `centre ${centreId} is not registered`);
      const events = batch.events.map(pgSafe);
      const held = new Map<number, string>();
      const lookUp = seqsToLookUp(events, Number(centre.highest_seq));
      if (lookUp.length > 0) {
        const result = await client.query({ name: 'sec-held', text: 'SELECT seq, hash FROM events WHERE centre_id = $1 AND seq = ANY($2::bigint[])', values: [centreId, lookUp] });
        for (const row of result.rows as Array<{ seq: string; hash: string }>) held.set(Number(row.seq), row.hash);
      }
      const plan = planBatch(events, held);
      await insertEvents(client, centreId, epoch, receivedAtMs, plan.inserts);
      let conflictsKept = 0;
      for (const chunk of chunks(plan.conflicts)) {
        const result = await client.query({ name: 'sec-conflicts', text: `INSERT INTO conflicts (centre_id, seq, hash, epoch, type, at, data, received_at)
          SELECT $1, u.s, u.h, $2, u.t, u.a, u.d, $3 FROM unnest($4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[]) AS u(s, h, t, a, d)
          ON CONFLICT DO NOTHING`,
        values: [centreId, epoch, receivedAtMs, ...columns(chunk, (e) => e.seq, (e) => e.hash, (e) => e.type, (e) => e.at, (e) => e.dataJson)] });
        conflictsKept += result.rowCount ?? 0;
      }
      if (plan.typeCounts.size > 0) {
        await client.query({ name: 'sec-count-types', text: `INSERT INTO event_counts (centre_id, type, count) SELECT $1, * FROM unnest($2::text[], $3::bigint[])
          ON CONFLICT (centre_id, type) DO UPDATE SET count = event_counts.count + excluded.count`, values: [centreId, [...plan.typeCounts.keys()], [...plan.typeCounts.values()]] });
      }
      if (plan.feedbackCounts.length > 0) {
        const f = plan.feedbackCounts;
        await client.query({ name: 'sec-count-feedback', text: `INSERT INTO feedback_daily (centre_id, day, rating, misuse, count)
          SELECT $1, * FROM unnest($2::text[], $3::smallint[], $4::boolean[], $5::bigint[])
          ON CONFLICT (centre_id, day, rating, misuse) DO UPDATE SET count = feedback_daily.count + excluded.count`,
        values: [centreId, f.map((c) => c.day), f.map((c) => c.rating), f.map((c) => c.misuse), f.map((c) => c.count)] });
      }
      // ackedThroughSeq: walk the inserted seqs up from the stored value, then, only if
      // the next seq was already held (a fresh lane above a filled gap), let the gap
      // query find the end of that run. Nothing at or below the old value is read.
      const after = walkInserted(Number(centre.acked_through_seq), plan);
      const contiguous = await client.query({ name: 'sec-contiguous', text: CONTIGUOUS_FROM_SQL, values: [centreId, after] });
      const acked = Number((contiguous.rows[0] as { acked: string }).acked);
      const highestSeq = Math.max(Number(centre.highest_seq), plan.highestInserted);
      await client.query({ name: 'sec-update-centre', text: `UPDATE centres SET epoch = $2, acked_through_seq = $3, highest_seq = $4, last_sync_at = $5,
        events_total = events_total + $6, duplicates_ignored = duplicates_ignored + $7, quarantined_total = quarantined_total + $8,
        conflicts_total = conflicts_total + $9 WHERE centre_id = $1`,
      values: [centreId, epoch, acked, highestSeq, receivedAtMs, plan.validStored, plan.duplicates, plan.quarantined.length, conflictsKept] });
      return {
        ackedThroughSeq: acked, highestSeq, stored: plan.validStored, duplicates: plan.duplicates,
        conflicts: plan.conflicts.length, conflictSeqs: plan.conflicts.map((event) => event.seq), quarantined: plan.quarantined,
      };
    });
  }

  async recordHeartbeat(centreId: string, heartbeat: SyncHeartbeat, receivedAtMs: number): Promise<SyncPosition> {
    const result = await this.#query('recordHeartbeat', `UPDATE centres SET heartbeat = $1, last_heartbeat_at = $2 WHERE centre_id = $3
      RETURNING acked_through_seq, highest_seq`, [JSON.stringify(heartbeat), receivedAtMs, centreId]);
    const row = result.rows[0] as { acked_through_seq: string; highest_seq: string } | undefined;
    if (!row) throw new StoreError('centre_unknown', `centre ${centreId} is not registered`);
    return { ackedThroughSeq: Number(row.acked_through_seq), highestSeq: Number(row.highest_seq) };
  }

  async listCentres(options: { today: string }): Promise<CentreSummary[]> {
    return this.#summaries('listCentres', undefined, options.today);
  }

  async getCentre(centreId: string, options: { today: string }): Promise<CentreSummary | undefined> {
    return (await this.#summaries('getCentre', centreId, options.today))[0];
  }

  async rawInsert(centreId: string, events: IncomingEvent[], receivedAtMs: number): Promise<void> {
    // No epoch is given: '' keeps the column NOT NULL without a lookup. highest_seq is
    // kept (one UPDATE): applyBatch trusts that no seq above it is held.
    await this.#transaction('rawInsert', async (client) => {
      await insertEvents(client, centreId, '', receivedAtMs, events.map(pgSafe));
      await client.query({ name: 'sec-raise-highest', text: 'UPDATE centres SET highest_seq = GREATEST(highest_seq, $2) WHERE centre_id = $1',
        values: [centreId, events.reduce((highest, event) => Math.max(highest, event.seq), 0)] });
    });
  }

  /** One centre or all, from one REPEATABLE READ snapshot so rows and counts agree. */
  async #summaries(doing: string, centreId: string | undefined, today: string): Promise<CentreSummary[]> {
    return this.#transaction(doing, async (client) => {
      const where = centreId === undefined ? '' : 'WHERE centre_id = $1';
      const values = centreId === undefined ? [] : [centreId];
      const centres = await client.query(`SELECT ${CENTRE_COLUMNS} FROM centres ${where} ORDER BY centre_id`, values);
      const types = await client.query(`SELECT centre_id, type, count FROM event_counts ${where}`, values);
      const feedback = await client.query(`SELECT centre_id, rating, misuse, count FROM feedback_daily WHERE day = $${values.length + 1}
        ${centreId === undefined ? '' : 'AND centre_id = $1'}`, [...values, today]);
      return centres.rows.map((row: Record<string, string | null>) => centreSummary(
        centreRow(row),
        types.rows.filter((t) => t.centre_id === row.centre_id).map((t) => ({ type: t.type as string, count: Number(t.count) })),
        feedback.rows.filter((f) => f.centre_id === row.centre_id).map((f) => ({ rating: Number(f.rating), misuse: f.misuse === true, count: Number(f.count) })),
      ));
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async #query(doing: string, text: string, values: unknown[]): Promise<pg.QueryResult> {
    try {
      return await this.#pool.query(text, values);
    } catch (error) {
      throw asStoreError(error, doing, this.#scrub);
    }
  }

  /** BEGIN … COMMIT on one pooled connection; any failure rolls back and leaves a StoreError. */
  async #transaction<T>(doing: string, work: (client: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw asStoreError(error, `${doing}: connecting to PostgreSQL`, this.#scrub);
    }
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A connection that cannot even roll back is discarded, not returned to the pool.
      await client.query('ROLLBACK').catch((rollbackError: Error) => { broken = rollbackError; });
      throw asStoreError(error, doing, this.#scrub);
    } finally {
      client.release(broken);
    }
  }
}

/** See SqliteSecretariatStore's contiguousFrom: the same walk, upward from $2 only. */
const CONTIGUOUS_FROM_SQL = `SELECT CASE
  WHEN EXISTS (SELECT 1 FROM events WHERE centre_id = $1 AND seq = $2::bigint + 1)
  THEN (SELECT e.seq FROM events e WHERE e.centre_id = $1 AND e.seq > $2::bigint
    AND NOT EXISTS (SELECT 1 FROM events n WHERE n.centre_id = $1 AND n.seq = e.seq + 1) ORDER BY e.seq LIMIT 1)
  ELSE $2::bigint END AS acked`;

/** unnest() inserts of up to INSERT_CHUNK_ROWS rows: one round trip per chunk. */
async function insertEvents(client: PoolClient, centreId: string, epoch: string, receivedAtMs: number, events: IncomingEvent[]): Promise<void> {
  for (const chunk of chunks(events)) {
    const query: QueryConfig = {
      name: 'sec-insert-events',
      text: `INSERT INTO events (${EVENT_COLUMNS}) SELECT $1, u.s, $2, u.t, u.a, u.h, u.d, $3, u.qr, u.qm
        FROM unnest($4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) AS u(s, t, a, h, d, qr, qm)`,
      values: [centreId, epoch, receivedAtMs, ...columns(chunk, (e) => e.seq, (e) => e.type, (e) => e.at, (e) => e.hash, (e) => e.dataJson,
        (e) => e.quarantine?.reason ?? null, (e) => e.quarantine?.message ?? null)],
    };
    await client.query(query);
  }
}

/** Row objects to one array per column, the shape unnest() takes. */
function columns(rows: IncomingEvent[], ...pick: Array<(event: IncomingEvent) => unknown>): unknown[][] {
  return pick.map((get) => rows.map(get));
}

/**
 * Postgres text cannot hold U+0000, which JSON.parse can put in a claimed type or a
 * quarantined record; one such record must be held in quarantine, not fail the batch.
 * Valid event data is JSON.stringify output, which escapes it, so is never changed.
 */
function pgSafeText(text: string): string {
  return typeof text === 'string' ? text.replaceAll('\0', '\uFFFD') : text;
}

function pgSafe(event: IncomingEvent): IncomingEvent {
  const { type, at, hash, dataJson, quarantine } = event;
  if (![type, at, hash, dataJson, quarantine?.message].some((text) => typeof text === 'string' && text.includes('\0'))) return event;
  return {
    ...event, type: pgSafeText(type), at: pgSafeText(at), hash: pgSafeText(hash), dataJson: pgSafeText(dataJson),
    ...(quarantine ? { quarantine: { ...quarantine, message: pgSafeText(quarantine.message) } } : {}),
  };
}

function centreRow(row: Record<string, string | null>): CentreRow {
  const num = (value: string | null): number => Number(value);
  const numOrNull = (value: string | null): number | null => (value === null ? null : Number(value));
  return {
    centreId: row.centre_id!, createdAt: num(row.created_at!), epoch: row.epoch ?? null, eventsTotal: num(row.events_total!),
    ackedThroughSeq: num(row.acked_through_seq!), highestSeq: num(row.highest_seq!), lastSyncAt: numOrNull(row.last_sync_at ?? null),
    duplicatesIgnored: num(row.duplicates_ignored!), quarantinedTotal: num(row.quarantined_total!), conflictsTotal: num(row.conflicts_total!),
    lastHeartbeatAt: numOrNull(row.last_heartbeat_at ?? null), heartbeat: row.heartbeat ?? null,
  };
}

/** The password in a postgres:// URL (as written and decoded), to scrub from error messages. */
function passwordsOf(connectionString: string): string[] {
  let raw: string | null | undefined;
  try {
    const url = new URL(connectionString);
    raw = url.password || url.searchParams.get('password');
  } catch {
    raw = /\/\/[^:/@]*:([^@]+)@/.exec(connectionString)?.[1];
  }
  if (!raw) return [];
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch { /* not percent-encoded: scrub it as written */ }
  return [...new Set([raw, decoded])];
}

/** The URL with any password replaced by `***`, for messages and logs. */
export function redactDatabaseUrl(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password) url.password = '***';
    if (url.searchParams.has('password')) url.searchParams.set('password', '***');
    return url.toString();
  } catch {
    return connectionString.replace(/(\/\/[^:/@]*):[^@]*@/, '$1:***@').replace(/password=[^&]*/gi, 'password=***');
  }
}
