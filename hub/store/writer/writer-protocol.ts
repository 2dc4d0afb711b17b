import type { GroupCommitStats } from '../group-commit.ts';
import type { WriteFailure, WriteOp } from './write-operations.ts';

/** The writer thread's group-commit counters, as last reported. */
export type WriterStats = GroupCommitStats;

/**
 * The features the writer thread loads: a module exporting `registerWriterFeatures`
 * (see RegisterWriterFeatures), and the plain-data config it is called with. The
 * composition root names it; the store never imports a feature.
 */
export interface WriterFeatures {
  module: string;
  config: unknown;
}

/** What one op came back with: its result, or why nothing of it was written. */
export interface OpReply {
  result?: unknown;
  error?: WriteFailure;
}

/** Main thread → writer thread. */
export type ToWriter = { type: 'batch'; id: number; ops: WriteOp[] } | { type: 'close' };

/** Writer thread → main thread. */
export type FromWriter =
  | { type: 'ready' }
  | { type: 'done'; id: number; replies: OpReply[]; stats: WriterStats }
  | { type: 'log'; line: string }
  | { type: 'closed' };
