import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Clock } from '../../../runtime/clock.ts';
import type { Logger } from '../../logger.ts';
import { ExponentialBackoff } from '../../../runtime/backoff.ts';
import type { ResultOf, WriteFailure, WriteOp } from './write-operations.ts';
import type { FromWriter, ToWriter, WriterFeatures, WriterStats } from './writer-protocol.ts';
import type { HubPart } from '../../part.ts';

/** `result` is the op's result when `error` is null (an empty object otherwise). */
export type WriteCallback<O extends WriteOp = WriteOp> = (error: Error | null, result: ResultOf<O>) => void;

/** A write that did not happen; `wholeBatch` when its transaction failed (disk full …). */
export class StoreWriteError extends Error {
  readonly code: string | null;
  readonly wholeBatch: boolean;

  constructor(failure: WriteFailure) {
    super(failure.message);
    this.name = 'StoreWriteError';
    this.code = failure.code;
    this.wholeBatch = failure.wholeBatch;
  }
}

const LEVELS: Record<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
/**
 * The compiled runtime (plain .js) starts the thread directly; run from the .ts
 * sources, the thread needs its own tsx registration first (the entry .mjs).
 */
const WRITER_THREAD_URL = import.meta.url.endsWith('.ts') ? new URL('./writer-thread-entry.mjs', import.meta.url) : new URL('./writer-thread.js', import.meta.url);

/**
 * The main thread's side of the writer thread. Ops submitted during one event-loop
 * turn go over as one message (the writer merges whatever is queued into one
 * transaction); each callback runs exactly once: when its op is committed, or with an
 * error when it was not. If the writer thread dies, every op it had fails (its sender
 * retries: nothing was acknowledged), ops submitted meanwhile fail at once, and a new
 * writer is started with backoff; `available` says whether one is running.
 */
export class StoreWriter extends EventEmitter<{ available: []; unavailable: [] }> implements HubPart {
  readonly stats: WriterStats = { commits: 0, items: 0, failedCommits: 0, setAside: 0, largestBatch: 0 };
  readonly #dataDir: string;
  #features: WriterFeatures | null;
  readonly #log: Logger;
  readonly #clock: Clock;
  /** Set only while a writer thread is running and ready. */
  #worker: Worker | null = null;
  #queue: Array<{ op: WriteOp; callback: WriteCallback }> = [];
  #scheduled = false;
  #nextId = 1;
  readonly #pending = new Map<number, WriteCallback[]>();
  #stopping = false;
  /** A crashed writer thread is restarted after 100 ms, then 200, 400 … at most 5 s apart (nobody to collide with: no jitter). */
  readonly #restartBackoff = new ExponentialBackoff({ initialMs: 100, maxMs: 5_000, jitter: 'none' });
  #cancelRestart: (() => void) | null = null;

  readonly #spawn: (workerData: unknown) => Worker;

  /**
   * `features`: the module that registers the features' write operations in the thread
   * (without it only the store's own: `count`, `event`). `spawn` starts the thread
   * (tests pass a misbehaving one); by default the real writer.
   */
  constructor(options: { dataDir: string; log: Logger; clock: Clock; features?: WriterFeatures; spawn?: (workerData: unknown) => Worker }) {
    super();
    this.#dataDir = options.dataDir;
    this.#features = options.features ?? null;
    this.#log = options.log;
    this.#clock = options.clock;
    this.#spawn = options.spawn ?? ((workerData) => new Worker(WRITER_THREAD_URL, { workerData }));
  }

  /**
   * The features' config a thread started from now on gets (a live config change,
   * docs/live-config.md): a restarted thread must run with what the running one took.
   */
  setFeatures(features: WriterFeatures): void {
    this.#features = features;
  }

  get available(): boolean {
    return this.#worker !== null;
  }

  async start(): Promise<void> {
    const worker = this.#spawn({ dataDir: this.#dataDir, logLevel: this.#log.level, ...(this.#features && { features: this.#features }) });
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`store writer exited (${code}) before it was ready`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.on('message', (message: FromWriter) => {
        if (message.type !== 'ready') return this.#onMessage(message);
        worker.off('error', reject);
        worker.off('exit', onExit);
        worker.on('error', (error) => this.#log.error({ err: error }, 'store writer thread failed'));
        worker.once('exit', (code) => this.#onExit(worker, code));
        resolve();
      });
    });
    this.#worker = worker;
    this.#restartBackoff.reset();
    this.emit('available');
  }

  submit<O extends WriteOp>(op: O, callback: WriteCallback<O>): void {
    if (!this.#worker) {
      callback(new Error(this.#stopping ? 'the store is closed' : 'the store writer is restarting'), {} as ResultOf<O>);
      return;
    }
    this.#queue.push({ op, callback: callback as WriteCallback });
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  /** submit() as a promise: resolves with the committed result, rejects if nothing was written. */
  write<O extends WriteOp>(op: O): Promise<ResultOf<O>> {
    return new Promise((resolve, reject) => this.submit(op, (error, result) => (error ? reject(error) : resolve(result))));
  }

  /** Writes what is queued, waits for it, then closes the writer's connection. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#cancelRestart?.();
    const worker = this.#worker;
    if (!worker) return;
    this.#flush();
    const closed = new Promise<void>((resolve) => {
      worker.on('message', (message: FromWriter) => message.type === 'closed' && resolve());
      worker.once('exit', () => resolve());
    });
    worker.postMessage({ type: 'close' } satisfies ToWriter);
    await closed;
    this.#worker = null;
    this.#failPending(new Error('the store closed before committing'));
    await worker.terminate();
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    if (!this.#worker) {
      for (const entry of batch) entry.callback(new Error('the store writer is restarting'), {} as never);
      return;
    }
    const id = this.#nextId++;
    this.#pending.set(id, batch.map((entry) => entry.callback));
    this.#worker.postMessage({ type: 'batch', id, ops: batch.map((entry) => entry.op) } satisfies ToWriter);
  }

  #onMessage(message: FromWriter): void {
    if (message.type === 'done') {
      Object.assign(this.stats, message.stats);
      const callbacks = this.#pending.get(message.id) ?? [];
      this.#pending.delete(message.id);
      callbacks.forEach((callback, i) => {
        const reply = message.replies[i] ?? {};
        this.#release(callback, reply.error ? new StoreWriteError(reply.error) : null, reply.result ?? {});
      });
    } else if (message.type === 'log') {
      this.#relayLog(message.line);
    }
  }

  /**
   * Runs one op's callback on its own: a callback that throws must not keep the rest
   * of its batch from being released (their PUBACKs, their HTTP answers).
   */
  #release(callback: WriteCallback, error: Error | null, result: unknown): void {
    try {
      callback(error, result as never);
    } catch (thrown) {
      this.#log.error({ err: thrown }, 'a store write callback threw; the other writes of its batch are released');
    }
  }

  #relayLog(line: string): void {
    try {
      const { level, msg, time: _time, pid: _pid, hostname: _hostname, ...fields } = JSON.parse(line) as Record<string, unknown>;
      this.#log[LEVELS[level as number] ?? 'info'](fields, String(msg ?? ''));
    } catch {
      this.#log.warn({ line }, 'unreadable log line from the store writer');
    }
  }

  #failPending(error: Error): void {
    const callbacks = [...this.#pending.values()].flat();
    this.#pending.clear();
    const queued = this.#queue;
    this.#queue = [];
    for (const callback of callbacks) this.#release(callback, error, {});
    for (const entry of queued) this.#release(entry.callback, error, {});
  }

  #onExit(worker: Worker, code: number): void {
    if (worker !== this.#worker) return;
    this.#worker = null;
    if (this.#stopping) return;
    this.emit('unavailable');
    this.#log.error({ code, pendingOps: [...this.#pending.values()].flat().length }, 'store writer thread exited; failing its pending writes (senders retry) and starting a new one');
    this.#failPending(new Error('the store writer stopped before committing'));
    this.#scheduleRestart();
  }

  #scheduleRestart(): void {
    const delay = this.#restartBackoff.next();
    this.#cancelRestart = this.#clock.setTimer(() => {
      this.#cancelRestart = null;
      if (this.#stopping) return;
      this.start().catch((error: Error) => {
        this.#log.error({ err: error, attempt: this.#restartBackoff.attempts }, 'could not restart the store writer; will retry');
        this.#scheduleRestart();
      });
    }, delay);
  }
}
