import { z } from 'zod';
import { Id } from '../ids.ts';
import { IsoTime, NonNegativeInt } from '../messages/common.ts';

/** Sync API v1 paths (the signature covers the path, so both sides take it from here). */
export const SYNC_PATHS = {
  batches: '/v1/sync/batches',
  heartbeat: '/v1/sync/heartbeat',
} as const;

/** Largest request body the Secretariat accepts, compressed and inflated. */
export const SYNC_MAX_COMPRESSED_BYTES = 4 * 1024 * 1024;
export const SYNC_MAX_INFLATED_BYTES = 16 * 1024 * 1024;

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits (SHA-256)');

/**
 * One outbox event as sent. `hash` is the hub's SHA-256 of `type\nat\nJSON(data)`
 * (see eventHash): the Secretariat recomputes it, and alarms when one
 * (centre, epoch, seq) arrives twice with two different hashes.
 */
export const SyncEvent = z.object({
  seq: z.int().min(1),
  type: z.string().min(1).max(64),
  at: IsoTime,
  data: z.unknown(),
  hash: Sha256Hex,
});
export type SyncEvent = z.infer<typeof SyncEvent>;

/**
 * Only the part of an event the Secretariat needs to hold a record of it in
 * quarantine: a record whose seq cannot be read fails the whole batch instead.
 */
export const SyncEventSeq = z.object({ seq: z.int().min(1) });

/**
 * `POST /v1/sync/batches`, body gzip-compressed JSON (`Content-Encoding: gzip`).
 * Events are in ascending seq order. Normally they are one contiguous run starting at
 * the Secretariat's `ackedThroughSeq + 1`; during a long backlog drain the hub may
 * append a second run of its newest events (the fresh lane) so the NOC is not a
 * week behind. Each event is validated on its own: one bad record is quarantined,
 * never the whole batch.
 */
export const SyncBatch = z.object({
  v: z.literal(1),
  centreId: Id,
  /** The hub database's outbox epoch (a UUID made when the store was created). */
  epoch: z.uuid(),
  sentAt: IsoTime,
  events: z.array(z.unknown()).min(1).max(5000),
});
export type SyncBatch = z.infer<typeof SyncBatch>;

export const QuarantineReason = z.enum(['invalid_event', 'invalid_data', 'hash_mismatch']);
export type QuarantineReason = z.infer<typeof QuarantineReason>;

/** 200 answer to a batch: what is now held, and what was set aside. */
export const SyncAck = z.object({
  /** Highest seq such that every seq from 1 to it is held (quarantined records count). 0 when none. */
  ackedThroughSeq: NonNegativeInt,
  /** Highest seq held at all (≥ ackedThroughSeq; above it when the fresh lane ran ahead). */
  highestSeq: NonNegativeInt,
  stored: NonNegativeInt,
  duplicates: NonNegativeInt,
  /** Always 0 in a 200: a batch with conflicts is refused with 409 seq_conflict. */
  conflicts: NonNegativeInt,
  quarantined: z.array(z.object({ seq: z.int().min(1), reason: QuarantineReason, message: z.string() })),
  /** Secretariat clock (ms since the epoch), for the hub's clock-offset estimate. */
  serverTime: z.int(),
});
export type SyncAck = z.infer<typeof SyncAck>;

/** Error codes of the sync API; `serverTime` always comes along (clock correction). */
export const SyncErrorCode = z.enum([
  'unauthenticated',
  'unknown_centre',
  'bad_signature',
  'timestamp_skew',
  'replayed',
  'centre_mismatch',
  'malformed_batch',
  'payload_too_large',
  'rate_limited',
  'store_unavailable',
  'seq_conflict',
]);
export type SyncErrorCode = z.infer<typeof SyncErrorCode>;

export const SyncErrorBody = z.object({
  error: z.object({ code: SyncErrorCode, message: z.string() }),
  serverTime: z.int(),
  /**
   * `seq_conflict` (409) only: seqs the Secretariat holds with another content. The
   * batch was refused; the hub moves its unsent events from the lowest of these to
   * after `highestSeq` (a restored database) and sends again.
   */
  conflicts: z.array(z.int().min(1)).optional(),
  highestSeq: NonNegativeInt.optional(),
});
export type SyncErrorBody = z.infer<typeof SyncErrorBody>;
