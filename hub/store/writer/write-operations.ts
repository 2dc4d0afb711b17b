import type { Database } from 'better-sqlite3';
import type { DomainEvent } from '../../../protocol/events/envelope.ts';
import type { BatchParticipant, CommitItem } from '../group-commit.ts';
import type { Outbox } from '../outbox.ts';
import type { StatsCounters } from '../stats.ts';

/**
 * The operations the writer thread can run, by kind. The store declares only its own
 * (`count`, `event`); each feature adds its operations by declaration merging in its
 * own folder:
 *
 *   declare module '../store/writer/write-operations.ts' {
 *     interface WriteOperations { queue: { op: QueueOp; result: { queue: QueueResult } } }
 *   }
 *
 * and implements them in the writer thread through `WriteOperationRegistry.register`.
 * So the store runs transactions and knows no feature (docs/architecture.md, "Layout").
 */
export interface WriteOperations {
  /** A counter increment with nothing else to store (refused connections …). */
  count: { op: { kind: 'count'; stat: string; delta: number }; result: Record<string, never> };
  /** A domain event with no other state to write (printer and board status changes). */
  event: { op: { kind: 'event'; event: DomainEvent; atMs: number }; result: { eventSeq: number } };
}

export type WriteKind = keyof WriteOperations;
/** Any operation a feature may submit (plain data: it crosses to the writer thread by structured clone). */
export type WriteOp = { [K in WriteKind]: WriteOperations[K]['op'] }[WriteKind];
export type ResultOf<O extends { kind: WriteKind }> = WriteOperations[O['kind']]['result'];

/** Nothing of the op was written: its transaction failed (`wholeBatch`, e.g. the disk is full), or the op alone failed. */
export interface WriteFailure {
  message: string;
  code: string | null;
  wholeBatch: boolean;
}

/** Rows that refer to outbox seqs (press rows, …): kept in step when the outbox is renumbered or pruned. */
export interface OutboxReferrer {
  /** Name in prune results (`{ outbox, presses }`). */
  name: string;
  /** Every event from `fromSeq` on moved by `offset`. */
  afterRenumber(fromSeq: number, offset: number): void;
  /** Deletes at most `limit` rows older than `beforeMs` whose event the Secretariat holds; returns how many. */
  pruneSynced(ackedThroughSeq: number, beforeMs: number, limit: number): number;
}

/** What an operation's implementation may use: the writer's connection and the store's shared parts. */
export interface WriterContext {
  db: Database;
  outbox: Outbox;
  stats: StatsCounters;
  /** Per-batch state (caches, staged counters): written before COMMIT, forgotten after a rollback. */
  addParticipant(participant: BatchParticipant): void;
  addOutboxReferrer(referrer: OutboxReferrer): void;
  readonly outboxReferrers: readonly OutboxReferrer[];
}

export interface WriteImplementation<K extends WriteKind> {
  /** Writes the op's rows, inside the batch transaction in its own savepoint; returns its result. */
  apply(op: WriteOperations[K]['op']): WriteOperations[K]['result'];
  /** When `apply` throws for a reason of its own: write the op aside (e.g. quarantine) instead, so it does not come back forever. */
  setAside?(op: WriteOperations[K]['op'], error: Error): WriteOperations[K]['result'];
}

/** The writer thread's table of implementations, filled by each feature's register function. */
export class WriteOperationRegistry {
  readonly #implementations = new Map<string, WriteImplementation<WriteKind>>();

  register<K extends WriteKind>(kind: K, implementation: WriteImplementation<K>): void {
    if (this.#implementations.has(kind)) throw new Error(`write operation "${kind}" is registered twice`);
    this.#implementations.set(kind, implementation as unknown as WriteImplementation<WriteKind>);
  }

  /** One commit item for `op`; `reply` gets the result once the batch has committed (or the error). */
  item(op: WriteOp, reply: (error: Error | null, result: unknown) => void): CommitItem {
    const implementation = this.#implementations.get(op.kind);
    let result: unknown = {};
    if (!implementation) {
      // Unknown to this thread: a bad op must fail alone, not take the thread down.
      return { apply: () => { throw new Error(`unknown write op ${JSON.stringify(op.kind)}`); }, done: (error) => reply(error, result) };
    }
    return {
      apply: () => void (result = implementation.apply(op)),
      ...(implementation.setAside && { setAside: (_db: Database, error: Error) => void (result = implementation.setAside!(op, error)) }),
      done: (error) => reply(error, result),
    };
  }
}

/** The store's own operations: feature-neutral counters and events. */
export function registerStoreOperations(registry: WriteOperationRegistry, context: WriterContext): void {
  registry.register('count', { apply: (op) => (context.stats.add(op.stat, op.delta), {}) });
  registry.register('event', { apply: (op) => ({ eventSeq: context.outbox.append(op.event, op.atMs) }) });
}
