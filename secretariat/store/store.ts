import type { QuarantineReason, SyncHeartbeat } from '../../protocol/sync/index.ts';

/**
 * The Secretariat's storage, one interface with two implementations: SQLite
 * (`sqlite-store.ts`, the default, a file under the data dir) and Postgres
 * (`postgres-store.ts`, `--database-url`). Both pass one contract test suite
 * (tests/secretariat/store-contract.test.ts).
 *
 * Invariant 2 lives here: each (centreId, seq) is stored once; `ackedThroughSeq` is
 * the highest seq with every seq from 1 to it held (quarantined records count) and
 * only ever rises. Writes for one centre are serialised (SQLite: one writer;
 * Postgres: the centre row is locked FOR UPDATE inside the batch transaction, so
 * this holds across several receiver processes too).
 */
export interface SecretariatStore {
  /** Creates tables / runs migrations. Idempotent. */
  init(): Promise<void>;
  close(): Promise<void>;

  /** Registers a centre with its signing secret. Throws StoreError('centre_exists') when it is known. */
  addCentre(centreId: string, secret: string, nowMs: number): Promise<void>;
  /**
   * The centre's signing secret as stored, or undefined for an unknown centre. The
   * stores keep whatever they are given: openSecretariatStore wraps them so that what
   * they are given is sealed (secrets/sealed-store.ts).
   */
  centreSecret(centreId: string): Promise<string | undefined>;

  /**
   * Reads every centre's stored secret and the secrets key check, and writes back what
   * `plan` returns, in one write transaction (Postgres: under the migration lock, so two
   * receivers starting at once take turns). An error thrown by `plan` rolls back and
   * reaches the caller as thrown. secrets/ decides what to write; the store only does
   * the SQL, and scrubs the replaced values where the engine allows it.
   */
  updateSecrets(plan: (stored: StoredSecrets) => SecretsUpdate): Promise<void>;

  /**
   * Applies one batch in one transaction: every valid event not yet held is stored;
   * an event already held with the same hash counts as a duplicate; with a
   * different hash it is a conflict: then NOTHING of the batch is stored but the
   * conflicting copies (kept in the conflicts table; the held rows are never
   * overwritten) and `conflictSeqs` lists them, so the sender can renumber; a record the caller marked
   * `quarantine` is held in quarantine (it occupies its seq). Then advances
   * `ackedThroughSeq` over the contiguous run and sets `lastSyncAt`.
   */
  applyBatch(batch: IncomingBatch): Promise<BatchOutcome>;

  /** Saves the centre's latest heartbeat; returns the centre's sync position. */
  recordHeartbeat(centreId: string, heartbeat: SyncHeartbeat, receivedAtMs: number): Promise<SyncPosition>;

  listCentres(options: { today: string }): Promise<CentreSummary[]>;
  getCentre(centreId: string, options: { today: string }): Promise<CentreSummary | undefined>;

  /**
   * Benchmark baseline: inserts the rows as plainly as the schema allows (one
   * transaction, one multi-row insert per chunk, no dedup logic, no counters).
   */
  rawInsert(centreId: string, events: IncomingEvent[], receivedAtMs: number): Promise<void>;
}

/** Key of the secrets key check in the meta table (secretariat_meta, both engines). */
export const SECRETS_KEY_CHECK = 'secrets_key_check';

export interface StoredSecrets {
  /** The secrets key check (secrets/secret-box.ts); null before the first sealing. */
  keyCheck: string | null;
  /** Every centre, with its secret as stored (sealed, or plaintext from an older version). */
  centres: Array<{ centreId: string; secret: string }>;
}

export interface SecretsUpdate {
  keyCheck?: string;
  secrets?: Array<{ centreId: string; secret: string }>;
}

export interface IncomingBatch {
  centreId: string;
  epoch: string;
  receivedAtMs: number;
  events: IncomingEvent[];
}

/** One record of a batch, already checked by the receiver. */
export interface IncomingEvent {
  seq: number;
  /** For a quarantined record: whatever type it claimed (may be ''), truncated to 64 chars. */
  type: string;
  /** ISO time as sent ('' when unreadable and quarantined). */
  at: string;
  /** JSON text of `data` (JSON.stringify of the parsed value), or the raw record for quarantine. */
  dataJson: string;
  /** Hex SHA-256 as sent ('' when unreadable and quarantined). */
  hash: string;
  /**
   * For feedback.pressed: the rating and the Africa/Nairobi local day of `pressedAt`
   * (YYYY-MM-DD) and whether it is misuse-flagged, so the store can keep daily counts
   * without parsing JSON. Absent for other types.
   */
  feedback?: { day: string; rating: 1 | 2 | 3 | 4; misuse: boolean };
  quarantine?: { reason: QuarantineReason; message: string };
}

export interface BatchOutcome {
  ackedThroughSeq: number;
  highestSeq: number;
  stored: number;
  duplicates: number;
  conflicts: number;
  /** Seqs held with another hash; when any, the batch was refused (nothing else stored). */
  conflictSeqs: number[];
  quarantined: Array<{ seq: number; reason: QuarantineReason; message: string }>;
}

export interface SyncPosition {
  ackedThroughSeq: number;
  highestSeq: number;
}

/** What `GET /api/centres[/id]` and the NOC page show for a centre. */
export interface CentreSummary {
  centreId: string;
  createdAt: string;
  /** The outbox epoch of the last batch received; null before the first. */
  epoch: string | null;
  /** Valid events held (quarantined records excluded). */
  eventsTotal: number;
  eventsByType: Record<string, number>;
  ackedThroughSeq: number;
  highestSeq: number;
  /** Last batch that stored or confirmed anything (ISO), null before the first. */
  lastSyncAt: string | null;
  duplicatesIgnored: number;
  quarantinedTotal: number;
  conflictsTotal: number;
  lastHeartbeatAt: string | null;
  /** The latest heartbeat as the hub sent it. */
  heartbeat: SyncHeartbeat | null;
  /** feedback.pressed events held for `today` (by pressedAt's local day), misuse excluded from byRating. */
  feedbackHeldToday: { presses: number; byRating: Record<'1' | '2' | '3' | '4', number> };
}

export type StoreErrorCode = 'centre_exists' | 'centre_unknown' | 'store_unavailable';

export class StoreError extends Error {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}
