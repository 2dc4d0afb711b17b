/**
 * The Secretariat's Postgres schema as numbered migrations; `schema_version` in
 * `secretariat_meta` records the last applied. The same tables as sqlite-schema.ts
 * (keep the two in step), with Postgres types: times are bigint ms since the epoch,
 * `data` is TEXT, never jsonb, because the event hash covers the exact JSON text and
 * jsonb would re-serialise it. Hot tables carry no foreign keys (a per-row RI trigger
 * on a million inserts; applyBatch checks the centre under its row lock instead).
 */
export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Key of the transaction-level advisory lock init() takes before touching the schema,
 * so two receivers starting at once do not race on CREATE TABLE. (Arbitrary, fixed.)
 */
export const MIGRATION_LOCK_KEY = 7_305_118_624_001;

export const META_TABLE_SQL = 'CREATE TABLE IF NOT EXISTS secretariat_meta (key text PRIMARY KEY, value text NOT NULL)';

export const POSTGRES_MIGRATIONS: PostgresMigration[] = [
  {
    version: 1,
    name: '001-initial',
    sql: `
      CREATE TABLE centres (
        centre_id text PRIMARY KEY,
        secret text NOT NULL,
        created_at bigint NOT NULL,
        epoch text,
        -- Invariant 2: every seq 1..acked_through_seq is held; it only rises. Batches
        -- lock this row FOR UPDATE first, which serialises a centre across processes.
        acked_through_seq bigint NOT NULL DEFAULT 0,
        highest_seq bigint NOT NULL DEFAULT 0,
        last_sync_at bigint,
        -- Counters kept in the batch transaction, so reading them never scans events.
        events_total bigint NOT NULL DEFAULT 0,
        duplicates_ignored bigint NOT NULL DEFAULT 0,
        quarantined_total bigint NOT NULL DEFAULT 0,
        conflicts_total bigint NOT NULL DEFAULT 0,
        last_heartbeat_at bigint,
        heartbeat text
      );

      -- One row per held (centre, seq): valid events, and quarantined records (which
      -- occupy their seq) with quarantine_reason set. The primary key is the only
      -- index: it is the dedup check and the gap walk.
      CREATE TABLE events (
        centre_id text NOT NULL,
        seq bigint NOT NULL,
        epoch text NOT NULL,
        type text NOT NULL,
        at text NOT NULL,
        hash text NOT NULL,
        data text NOT NULL,
        received_at bigint NOT NULL,
        quarantine_reason text,
        quarantine_message text,
        PRIMARY KEY (centre_id, seq)
      );

      -- Incoming copies of a held seq with a different hash; the held row is never
      -- overwritten. One row per distinct (centre, seq, hash), however often re-sent.
      CREATE TABLE conflicts (
        centre_id text NOT NULL,
        seq bigint NOT NULL,
        hash text NOT NULL,
        epoch text NOT NULL,
        type text NOT NULL,
        at text NOT NULL,
        data text NOT NULL,
        received_at bigint NOT NULL,
        PRIMARY KEY (centre_id, seq, hash)
      );

      CREATE TABLE event_counts (
        centre_id text NOT NULL,
        type text NOT NULL,
        count bigint NOT NULL,
        PRIMARY KEY (centre_id, type)
      );

      -- feedback.pressed held per centre and local day of pressedAt.
      CREATE TABLE feedback_daily (
        centre_id text NOT NULL,
        day text NOT NULL,
        rating smallint NOT NULL,
        misuse boolean NOT NULL,
        count bigint NOT NULL,
        PRIMARY KEY (centre_id, day, rating, misuse)
      );
    `,
  },
];

/** Column list of `events`, in the order the unnest insert binds them. */
export const EVENT_COLUMNS = 'centre_id, seq, epoch, type, at, hash, data, received_at, quarantine_reason, quarantine_message';
