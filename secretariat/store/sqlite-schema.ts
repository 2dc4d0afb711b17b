/**
 * The Secretariat's SQLite schema as numbered migrations; `PRAGMA user_version`
 * records the last applied. Append new migrations, never edit an applied one.
 * postgres-schema.ts holds the same tables for Postgres: keep the two in step.
 *
 * Times are integer ms since the epoch (the interface returns ISO strings). Event
 * `at` and `hash` are kept as sent (text), and `data` as the exact JSON text the
 * hash covers. Hot tables carry no foreign keys: applyBatch checks the centre inside
 * its transaction, centres are never deleted, and a per-row parent lookup would tax
 * every one of a million inserts.
 */
export interface SqliteMigration {
  version: number;
  name: string;
  sql: string;
}

export const SQLITE_MIGRATIONS: SqliteMigration[] = [
  {
    version: 1,
    name: '001-initial',
    sql: `
      CREATE TABLE centres (
        centre_id TEXT PRIMARY KEY,
        secret TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        epoch TEXT,
        -- Invariant 2: every seq 1..acked_through_seq is held; it only rises.
        acked_through_seq INTEGER NOT NULL DEFAULT 0,
        highest_seq INTEGER NOT NULL DEFAULT 0,
        last_sync_at INTEGER,
        -- Counters kept in the batch transaction, so reading them never scans events.
        events_total INTEGER NOT NULL DEFAULT 0,
        duplicates_ignored INTEGER NOT NULL DEFAULT 0,
        quarantined_total INTEGER NOT NULL DEFAULT 0,
        conflicts_total INTEGER NOT NULL DEFAULT 0,
        last_heartbeat_at INTEGER,
        heartbeat TEXT
      ) STRICT;

      -- One row per held (centre, seq): valid events, and quarantined records (which
      -- occupy their seq) with quarantine_reason set. The primary key is the only
      -- index: it is the dedup check and the gap walk. WITHOUT ROWID stores the rows
      -- in that key's b-tree, so an insert writes one b-tree, not two.
      CREATE TABLE events (
        centre_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        epoch TEXT NOT NULL,
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        hash TEXT NOT NULL,
        data TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        quarantine_reason TEXT,
        quarantine_message TEXT,
        PRIMARY KEY (centre_id, seq)
      ) STRICT, WITHOUT ROWID;

      -- Incoming copies of a held seq with a different hash; the held row is never
      -- overwritten. One row per distinct (centre, seq, hash), however often re-sent.
      CREATE TABLE conflicts (
        centre_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL,
        epoch TEXT NOT NULL,
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        data TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (centre_id, seq, hash)
      ) STRICT;

      CREATE TABLE event_counts (
        centre_id TEXT NOT NULL,
        type TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (centre_id, type)
      ) STRICT, WITHOUT ROWID;

      -- feedback.pressed held per centre and local day of pressedAt.
      CREATE TABLE feedback_daily (
        centre_id TEXT NOT NULL,
        day TEXT NOT NULL,
        rating INTEGER NOT NULL,
        misuse INTEGER NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (centre_id, day, rating, misuse)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: '002-meta',
    // Settings of the database itself, as Postgres keeps them in secretariat_meta: the
    // centre secrets key check (docs/security.md, "Secretariat").
    sql: `
      CREATE TABLE secretariat_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `,
  },
];

/** Column list of `events`, in the order the insert statements bind them. */
export const EVENT_COLUMNS = 'centre_id, seq, epoch, type, at, hash, data, received_at, quarantine_reason, quarantine_message';
export const EVENT_COLUMN_COUNT = 10;
