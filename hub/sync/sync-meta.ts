import type { Database } from 'better-sqlite3';
import { readMeta } from '../store/database.ts';

/**
 * Where the hub keeps what the Secretariat last said (table `meta`): written by the
 * sync bookkeeping in the writer thread, read by /health, the CLI and the sync part.
 * The one place these keys are spelled.
 */
export const SYNC_META = {
  ackedThroughSeq: 'sync_acked_through_seq',
  highestSeq: 'sync_highest_seq',
  lastAt: 'sync_last_at',
  /** `huduma-hub sync drain` asks the running hub to try now by setting this (the hub polls it). */
  kickAt: 'sync_kick_at',
} as const;

export interface SyncPosition {
  /** The Secretariat's contiguous acknowledgment: the sync cursor (0 before the first answer). */
  ackedThroughSeq: number;
  highestSeq: number;
  lastSyncAt: string | null;
}

/** The last answer the Secretariat gave, as committed. */
export function readSyncPosition(db: Database): SyncPosition {
  return {
    ackedThroughSeq: Number(readMeta(db, SYNC_META.ackedThroughSeq) ?? 0),
    highestSeq: Number(readMeta(db, SYNC_META.highestSeq) ?? 0),
    lastSyncAt: readMeta(db, SYNC_META.lastAt) ?? null,
  };
}

/** The records the Secretariat set aside as invalid, newest first (they do not block the queue). */
export function readSyncQuarantine(db: Database, limit: number): Array<{ seq: number; reason: string; message: string; reportedAt: number }> {
  return db.prepare('SELECT seq, reason, message, reported_at AS reportedAt FROM sync_quarantine ORDER BY seq DESC LIMIT ?').all(limit) as Array<{ seq: number; reason: string; message: string; reportedAt: number }>;
}
