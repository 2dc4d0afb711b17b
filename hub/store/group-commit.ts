import type { Database } from 'better-sqlite3';
import type { Logger } from '../logger.ts';

/** One unit of work in a group commit. */
export interface CommitItem {
  /** Writes this item's rows. Runs inside the batch transaction, in its own savepoint. */
  apply(db: Database): void;
  /**
   * When `apply` throws for a reason of its own (not the disk or the lock), this
   * writes the item aside instead (e.g. quarantine), so one poison item neither fails
   * its neighbours nor comes back forever as a redelivery.
   */
  setAside?(db: Database, error: Error): void;
  /** Called after COMMIT (null), after the batch failed (BatchFailedError), or with the item's own error. */
  done(error: Error | null): void;
}

/**
 * Something that keeps per-batch state alongside the items (stat deltas, caches):
 * `beforeCommit` writes it inside the batch transaction, `afterRollback` forgets what
 * the failed batch staged.
 */
export interface BatchParticipant {
  beforeCommit(db: Database): void;
  afterRollback(): void;
}

export interface GroupCommitStats {
  commits: number;
  items: number;
  failedCommits: number;
  setAside: number;
  largestBatch: number;
}

type ItemOutcome = 'ok' | 'set-aside' | Error;

/** Given to every item of a batch whose transaction failed; `cause` says why. */
export class BatchFailedError extends Error {
  readonly code: string | null;

  constructor(cause: unknown) {
    super(`the write transaction failed, nothing in it was stored: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'BatchFailedError';
    this.code = (cause as { code?: string } | null)?.code ?? null;
  }
}

/**
 * SQLite errors that are about the environment (disk full, I/O, lock, corruption),
 * not about the item: they fail the whole batch, whose senders then retry.
 */
const ENVIRONMENT_ERROR = /^SQLITE_(FULL|IOERR|BUSY|LOCKED|READONLY|CORRUPT|NOMEM|CANTOPEN|NOTADB|PROTOCOL)/;

export function isEnvironmentError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && ENVIRONMENT_ERROR.test(code);
}

/**
 * Adaptive group commit (docs/performance.md, "Ingest"): items submitted during one event-loop
 * turn are written in one IMMEDIATE transaction at `setImmediate` (or at once, with
 * `flushNow`, as the writer thread does after taking every queued message), and only
 * after COMMIT returns are their callbacks released (for presses: the PUBACKs). Under light
 * load a batch is one item and adds no timer delay; under heavy load batches grow up
 * to `maxBatch`, amortising the fsync. If the commit fails, every callback of the batch
 * gets the error and nothing of it is acknowledged (invariant 1).
 */
export class GroupCommit {
  readonly stats: GroupCommitStats = { commits: 0, items: 0, failedCommits: 0, setAside: 0, largestBatch: 0 };
  readonly #db: Database;
  readonly #maxBatch: number;
  readonly #log: Logger;
  #queue: CommitItem[] = [];
  #scheduled = false;
  #closed = false;
  readonly #runBatch: (batch: CommitItem[]) => ItemOutcome[];
  readonly #savepoint: (fn: () => void) => void;

  readonly #participants: BatchParticipant[] = [];

  constructor(options: { db: Database; log: Logger; maxBatch?: number }) {
    this.#db = options.db;
    this.#log = options.log;
    this.#maxBatch = options.maxBatch ?? 1000;
    // A better-sqlite3 transaction function called inside another runs as a SAVEPOINT.
    this.#savepoint = this.#db.transaction((fn: () => void) => fn());
    const run = this.#db.transaction((batch: CommitItem[]) => {
      const outcomes = batch.map((item) => this.#applyOne(item));
      for (const participant of this.#participants) participant.beforeCommit(this.#db);
      return outcomes;
    });
    this.#runBatch = (batch) => run.immediate(batch);
  }

  addParticipant(participant: BatchParticipant): void {
    this.#participants.push(participant);
  }

  submit(item: CommitItem): void {
    if (this.#closed) {
      item.done(new Error('store is closed'));
      return;
    }
    this.#queue.push(item);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  /** Commits whatever is queued now, instead of at the next turn. */
  flushNow(): void {
    while (this.#queue.length > 0) this.#flushOnce();
  }

  /** Commits whatever is queued now, then refuses new work. */
  close(): void {
    this.flushNow();
    this.#closed = true;
  }

  #flush(): void {
    this.#scheduled = false;
    this.#flushOnce();
    if (this.#queue.length > 0 && !this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flushOnce(): void {
    const batch = this.#queue.splice(0, this.#maxBatch);
    if (batch.length === 0) return;
    let outcomes: ItemOutcome[];
    try {
      outcomes = this.#runBatch(batch);
    } catch (error) {
      this.stats.failedCommits++;
      for (const participant of this.#participants) participant.afterRollback();
      this.#log.error({ err: error, items: batch.length }, 'group commit failed; nothing in the batch is acknowledged');
      const failure = new BatchFailedError(error);
      for (const item of batch) item.done(failure);
      return;
    }
    this.stats.commits++;
    this.stats.items += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome === 'set-aside') this.stats.setAside++;
      item.done(outcome instanceof Error ? outcome : null);
    });
  }

  /**
   * Environment errors propagate and fail the batch. An item's own error is contained
   * in its savepoint: it is set aside if it can be, else it alone fails.
   */
  #applyOne(item: CommitItem): ItemOutcome {
    try {
      this.#savepoint(() => item.apply(this.#db));
      return 'ok';
    } catch (error) {
      if (isEnvironmentError(error)) throw error;
      this.#log.error({ err: error }, 'item could not be written');
      if (!item.setAside) return error as Error;
      this.#savepoint(() => item.setAside!(this.#db, error as Error));
      return 'set-aside';
    }
  }
}
