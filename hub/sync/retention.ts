import type { Clock } from '../../runtime/clock.ts';
import type { StoreConfig } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { PruneOp } from './sync-writes.ts';

const DAY_MS = 86_400_000;

/**
 * Retention: acknowledged outbox rows and their press rows are pruned once they are
 * older than `store.retentionDays`, in short steps through the store writer so ingest
 * never waits behind a long delete. Unsynced rows are never pruned (invariant 3):
 * the writer's delete is bounded by the Secretariat's `ackedThroughSeq`.
 */
export class RetentionPruner {
  readonly #settings: StoreConfig;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #prune: (op: PruneOp) => Promise<{ outbox: number; presses?: number }>;
  readonly #ackedThroughSeq: () => number;
  #cancel: (() => void) | null = null;
  #running: Promise<void> | null = null;
  #stopped = false;

  constructor(options: { settings: StoreConfig; clock: Clock; log: Logger; ackedThroughSeq: () => number; prune: (op: PruneOp) => Promise<{ outbox: number; presses?: number }> }) {
    this.#settings = options.settings;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#prune = options.prune;
    this.#ackedThroughSeq = options.ackedThroughSeq;
  }

  start(): void {
    this.#cancel = this.#clock.setRepeating(() => void this.runOnce(), this.#settings.pruneIntervalMs);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancel?.();
    await this.#running;
  }

  /** Prunes until nothing old and acknowledged is left; returns the rows deleted. */
  runOnce(): Promise<void> {
    this.#running ??= this.#pruneAll().finally(() => (this.#running = null));
    return this.#running;
  }

  async #pruneAll(): Promise<void> {
    const before = this.#clock.now() - this.#settings.retentionDays * DAY_MS;
    const totals = { outbox: 0, presses: 0 };
    try {
      for (;;) {
        if (this.#stopped) break;
        const op: PruneOp = { kind: 'prune', ackedThroughSeq: this.#ackedThroughSeq(), outboxBeforeMs: before, pressesBeforeMs: before, limit: this.#settings.pruneBatch };
        const pruned = await this.#prune(op);
        totals.outbox += pruned.outbox;
        totals.presses += pruned.presses ?? 0;
        if (pruned.outbox < op.limit && (pruned.presses ?? 0) < op.limit) break;
      }
      if (totals.outbox + totals.presses > 0) this.#log.info({ ...totals, olderThan: new Date(before).toISOString() }, 'pruned acknowledged rows past retention');
    } catch (error) {
      this.#log.warn({ err: error }, 'pruning failed; will try again at the next interval');
    }
  }
}
