import { Worker } from 'node:worker_threads';
import type { Logger } from '../../logger.ts';
import type { FromWriter, ToWriter, WriteOp, WriteResult, WriterStats } from './ops.ts';

export type WriteCallback = (error: Error | null, result: WriteResult) => void;

/** A write that did not happen; `wholeBatch` when its transaction failed (disk full …). */
export class StoreWriteError extends Error {
  readonly code: string | null;
  readonly wholeBatch: boolean;

  constructor(failure: NonNullable<WriteResult['error']>) {
    super(failure.message);
    this.name = 'StoreWriteError';
    this.code = failure.code;
    this.wholeBatch = failure.wholeBatch;
  }
}

const LEVELS: Record<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/**
 * The main thread's side of the writer thread. Ops submitted in one callback (one
 * socket read) go over as one message (the writer merges whatever is queued into one
 * transaction); each callback runs when its op is committed, or with an error when it
 * was not. If the writer thread dies, every pending op fails (its sender will retry:
 * nothing was acknowledged) and a new writer is started.
 */
export class StoreWriter {
  readonly stats: WriterStats = { commits: 0, items: 0, failedCommits: 0, setAside: 0, largestBatch: 0 };
  readonly #dataDir: string;
  readonly #log: Logger;
  #worker: Worker | null = null;
  #queue: Array<{ op: WriteOp; callback: WriteCallback }> = [];
  #scheduled = false;
  #nextId = 1;
  readonly #pending = new Map<number, WriteCallback[]>();
  #stopping = false;

  constructor(options: { dataDir: string; log: Logger }) {
    this.#dataDir = options.dataDir;
    this.#log = options.log;
  }

  async start(): Promise<void> {
    const worker = new Worker(new URL('./writer-thread-entry.mjs', import.meta.url), {
      workerData: { dataDir: this.#dataDir, logLevel: this.#log.level },
    });
    this.#worker = worker;
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`store writer exited (${code}) before it was ready`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.on('message', (message: FromWriter) => {
        if (message.type === 'ready') {
          worker.off('error', reject);
          worker.off('exit', onExit);
          worker.on('error', (error) => this.#log.error({ err: error }, 'store writer thread failed'));
          worker.on('exit', (code) => this.#onExit(worker, code));
          resolve();
        } else {
          this.#onMessage(message);
        }
      });
    });
  }

  submit(op: WriteOp, callback: WriteCallback): void {
    if (this.#stopping || !this.#worker) {
      callback(new Error('the store is closed'), {});
      return;
    }
    this.#queue.push({ op, callback });
    if (!this.#scheduled) {
      this.#scheduled = true;
      // After the current callback's synchronous work: aedes authorizes every packet
      // of one socket read in one go, so that chunk's ops travel together; the writer
      // thread merges whatever has arrived by the time it is free into one commit.
      setImmediate(() => this.#flush());
    }
  }

  /** Ops waiting to be written or confirmed. */
  get backlog(): number {
    let n = this.#queue.length;
    for (const callbacks of this.#pending.values()) n += callbacks.length;
    return n;
  }

  /** Writes what is queued, waits for it, then closes the writer's connection. */
  async stop(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#flush();
    this.#stopping = true;
    const closed = new Promise<void>((resolve) => {
      worker.on('message', (message: FromWriter) => message.type === 'closed' && resolve());
      worker.once('exit', () => resolve());
    });
    worker.postMessage({ type: 'close' } satisfies ToWriter);
    await closed;
    this.#worker = null;
    await worker.terminate();
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    if (batch.length === 0 || !this.#worker) return;
    this.#queue = [];
    const id = this.#nextId++;
    this.#pending.set(id, batch.map((entry) => entry.callback));
    this.#worker.postMessage({ type: 'batch', id, ops: batch.map((entry) => entry.op) } satisfies ToWriter);
  }

  #onMessage(message: FromWriter): void {
    switch (message.type) {
      case 'done': {
        Object.assign(this.stats, message.stats);
        const callbacks = this.#pending.get(message.id) ?? [];
        this.#pending.delete(message.id);
        callbacks.forEach((callback, i) => {
          const result = message.results[i] ?? {};
          callback(result.error ? new StoreWriteError(result.error) : null, result);
        });
        break;
      }
      case 'log':
        this.#relayLog(message.line);
        break;
      default:
        break;
    }
  }

  #relayLog(line: string): void {
    try {
      const { level, msg, time: _time, pid: _pid, hostname: _hostname, ...fields } = JSON.parse(line) as Record<string, unknown>;
      const method = LEVELS[level as number] ?? 'info';
      this.#log[method](fields, String(msg ?? ''));
    } catch {
      this.#log.warn({ line }, 'unreadable log line from the store writer');
    }
  }

  #onExit(worker: Worker, code: number): void {
    if (this.#stopping || worker !== this.#worker) return;
    this.#worker = null;
    const lost = [...this.#pending.values()].flat();
    this.#pending.clear();
    this.#log.error({ code, pendingOps: lost.length }, 'store writer thread exited; failing its pending writes (senders retry) and starting a new one');
    for (const callback of lost) callback(new Error('the store writer stopped before committing'), {});
    this.start().then(
      () => this.#flush(),
      (error) => this.#log.fatal({ err: error }, 'could not restart the store writer'),
    );
  }
}
