import type { Statement } from 'better-sqlite3';
import { writeMeta } from '../store/meta.ts';
import type { WriteOperationRegistry, WriterContext } from '../store/writer/write-operations.ts';
import { SYNC_META } from './sync-meta.ts';

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
 * `outboxBeforeMs`, and the rows that refer to acknowledged events (press rows) older
 * than `pressesBeforeMs`, keeping what each needs to recognise a late replay.
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
 * from a backup (or replaced). New events must not reuse those seqs, so the outbox
 * sequence jumps past `highestSeq` and the database gets a new epoch.
 */
export interface RebaseOp {
  kind: 'rebase';
  highestSeq: number;
  epoch: string;
}

/**
 * The Secretariat holds some of this outbox's seqs with another content (refused with
 * seq_conflict): every event from `fromSeq` on moves, in order, to after `afterSeq`,
 * with the rows that refer to them, under a new epoch.
 */
export interface RenumberOp {
  kind: 'renumber';
  fromSeq: number;
  afterSeq: number;
  epoch: string;
}

declare module '../store/writer/write-operations.ts' {
  interface WriteOperations {
    sync_ack: { op: SyncAckOp; result: Record<string, never> };
    prune: { op: PruneOp; result: { pruned: Record<string, number> & { outbox: number } } };
    rebase: { op: RebaseOp; result: Record<string, never> };
    renumber: { op: RenumberOp; result: { moved: number } };
  }
}

/**
 * Sync's bookkeeping, in the writer thread: records the Secretariat's answers and
 * prunes what it holds. Inside the writer's batch transaction, like every other write,
 * so it never contends with ingest for the lock.
 */
export function registerSyncWrites(registry: WriteOperationRegistry, context: WriterContext): void {
  const { db, outbox, stats } = context;
  const quarantine: Statement<[number, string, string, number]> = db.prepare('INSERT OR IGNORE INTO sync_quarantine (seq, reason, message, reported_at) VALUES (?, ?, ?, ?)');

  registry.register('sync_ack', {
    apply(op) {
      // Taken as the Secretariat says, also when lower than before: a Secretariat
      // restored from backup asks again for what it lost (rows not yet pruned).
      writeMeta(db, SYNC_META.ackedThroughSeq, String(op.ackedThroughSeq));
      writeMeta(db, SYNC_META.highestSeq, String(op.highestSeq));
      writeMeta(db, SYNC_META.lastAt, new Date(op.atMs).toISOString());
      for (const record of op.quarantined) {
        if (quarantine.run(record.seq, record.reason, record.message.slice(0, 500), op.atMs).changes > 0) stats.add('sync.quarantined');
      }
      return {};
    },
  });
  registry.register('rebase', {
    apply(op) {
      outbox.rebase(op.highestSeq, op.epoch);
      stats.add('sync.rebased');
      return {};
    },
  });
  registry.register('renumber', {
    apply(op) {
      const moved = outbox.renumber(op.fromSeq, op.afterSeq, op.epoch, context.outboxReferrers);
      if (op.afterSeq + 1 > op.fromSeq) {
        stats.add('sync.rebased');
        stats.add('sync.renumbered', moved);
      }
      return { moved };
    },
  });
  registry.register('prune', {
    apply(op) {
      const pruned: Record<string, number> & { outbox: number } = { outbox: outbox.pruneSynced(op.ackedThroughSeq, op.outboxBeforeMs, op.limit) };
      if (pruned.outbox > 0) stats.add('sync.pruned_outbox', pruned.outbox);
      for (const referrer of context.outboxReferrers) {
        const rows = referrer.pruneSynced(op.ackedThroughSeq, op.pressesBeforeMs, op.limit);
        pruned[referrer.name] = rows;
        if (rows > 0) stats.add(`sync.pruned_${referrer.name}`, rows);
      }
      return { pruned };
    },
  });
}
