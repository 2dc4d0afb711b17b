import type { DomainEvent } from '../../../protocol/events/envelope.ts';
import type { FeedbackPressedData } from '../../../protocol/events/feedback.ts';
import type { QueueCommand, QueueResult, QueueTime } from '../../queue/commands.ts';
import type { GroupCommitStats } from '../group-commit.ts';

/**
 * What the main thread asks the writer thread to write. Plain data (structured
 * clone), one op per accepted device message or state change; each op's rows are
 * written in the same transaction as the op's outbox event.
 */
export type WriteOp = PressOp | QuarantineOp | CountOp | PresenceOp | TelemetryOp | SyncAckOp | PruneOp | RebaseOp | RenumberOp | QueueOp | EventOp;

/** A validated press; the writer dedups it, judges budget and lock-out, and stores it. */
export interface PressOp {
  kind: 'press';
  /** The event data, all but `misuse`, which the writer decides. */
  data: Omit<FeedbackPressedData, 'misuse'>;
  pressedAtMs: number;
  receivedAtMs: number;
  deviceAtMs: number | null;
  lockoutMs: number;
  budgetPerMinute: number;
  /** Presses the hub cannot date: this many at once, then so many a minute of hub time (docs/security.md, "Device clocks"). */
  unanchoredBurst: number;
  unanchoredPerMinute: number;
  /** Kept so the press can be quarantined if it cannot be written (a poison item). */
  topic: string;
  payload: Uint8Array;
}

/** A refused device message, kept raw (if `keep`) and counted as `rejected.<reason>`. */
export interface QuarantineOp {
  kind: 'quarantine';
  receivedAtMs: number;
  deviceId: string;
  topic: string;
  reason: string;
  detail: string;
  /** The start of the payload (what the quarantine keeps); `payloadBytes` is its full length. */
  payload: Uint8Array;
  payloadBytes: number;
  keep: boolean;
}

/** A counter increment with nothing else to store (refused connections …). */
export interface CountOp {
  kind: 'count';
  stat: string;
  delta: number;
}

export interface PresenceOp {
  kind: 'presence';
  deviceId: string;
  presence: 'online' | 'offline';
  atMs: number;
  fw: string | null;
  boot: string | null;
  event: DomainEvent;
}

export interface TelemetryOp {
  kind: 'telemetry';
  deviceId: string;
  atMs: number;
  json: string;
}

/**
 * The Secretariat's answer to a batch or heartbeat: the new cursor (its
 * `ackedThroughSeq`, taken as it is: the hub advances only on that answer) and the
 * records it set aside.
 */
export interface SyncAckOp {
  kind: 'sync_ack';
  ackedThroughSeq: number;
  highestSeq: number;
  atMs: number;
  quarantined: Array<{ seq: number; reason: string; message: string }>;
}

/**
 * Retention: deletes, oldest first and at most `limit` of each, outbox rows the
 * Secretariat has acknowledged (seq ≤ ackedThroughSeq) that are older than
 * `outboxBeforeMs`, and press rows older than `pressesBeforeMs` whose event is
 * acknowledged, keeping the dedup watermark of every pruned (device, boot).
 * Unsynced rows are never touched (invariant 3).
 */
export interface PruneOp {
  kind: 'prune';
  ackedThroughSeq: number;
  outboxBeforeMs: number;
  pressesBeforeMs: number;
  limit: number;
}

/**
 * The Secretariat holds seqs beyond this database's outbox: the database was restored
 * from a backup (or replaced). New events must not reuse those seqs (ARCHITECTURE,
 * known traps), so the outbox sequence jumps past `highestSeq` and the database gets
 * a new epoch, which marks every later batch as coming from the restored store.
 */
export interface RebaseOp {
  kind: 'rebase';
  highestSeq: number;
  epoch: string;
}

/**
 * The Secretariat holds some of this outbox's seqs with another content (refused
 * with seq_conflict): the database was restored or replaced and has reused seqs.
 * Every event from `fromSeq` on moves, in order, to after `afterSeq` (the event hash
 * does not cover the seq), with the press rows' event_seq, under a new epoch.
 */
export interface RenumberOp {
  kind: 'renumber';
  fromSeq: number;
  afterSeq: number;
  epoch: string;
}

/** A queue command (hub/queue/commands.ts), applied by the queue engine in this thread. */
export interface QueueOp {
  kind: 'queue';
  command: QueueCommand;
  time: QueueTime;
}

/** A domain event with no other state to write (printer and board status changes). */
export interface EventOp {
  kind: 'event';
  event: DomainEvent;
  atMs: number;
}

/** `refused`: acknowledged, counted by reason and kept in quarantine, not stored (see `reason`). */
export type PressOutcome = 'stored' | 'duplicate' | 'refused' | 'quarantined';

export interface WriteResult {
  /** Set for press ops. */
  outcome?: PressOutcome;
  /** Why a press was refused (over_budget, clock_ahead, boot_overlap, clock_unverified). */
  reason?: string;
  eventSeq?: number;
  misuse?: boolean;
  /** Set for queue ops: the engine's answer (a refusal wrote nothing). */
  queue?: QueueResult;
  /** Set for prune ops. */
  pruned?: { outbox: number; presses: number };
  /**
   * Nothing of the op was written: its transaction failed (`wholeBatch`, e.g. the disk
   * is full), or the op alone failed and could not be set aside.
   */
  error?: { message: string; code: string | null; wholeBatch: boolean };
}

/** Main thread → writer thread. */
export type ToWriter = { type: 'batch'; id: number; ops: WriteOp[] } | { type: 'close' };

/** The writer thread's group-commit counters, as last reported. */
export type WriterStats = GroupCommitStats;

/** Writer thread → main thread. */
export type FromWriter =
  | { type: 'ready' }
  | { type: 'done'; id: number; results: WriteResult[]; stats: WriterStats }
  | { type: 'log'; line: string }
  | { type: 'closed' };
