import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.ts';

export interface CheckpointStats {
  checkpoints: number;
  errors: number;
  lastLogFrames: number;
}

/** Owns the checkpoint worker thread (see checkpoint-worker.mjs for why). */
export class Checkpointer {
  readonly stats: CheckpointStats = { checkpoints: 0, errors: 0, lastLogFrames: 0 };
  #worker: Worker | null = null;
  readonly #path: string;
  readonly #intervalMs: number;
  readonly #log: Logger;

  constructor(options: { databasePath: string; intervalMs?: number; log: Logger }) {
    this.#path = options.databasePath;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#log = options.log;
  }

  start(): void {
    const worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), {
      workerData: { path: this.#path, intervalMs: this.#intervalMs },
    });
    worker.unref();
    worker.on('message', (message: { type: string; logFrames?: number; message?: string }) => {
      if (message.type === 'checkpoint') {
        this.stats.checkpoints++;
        this.stats.lastLogFrames = message.logFrames ?? 0;
      } else if (message.type === 'error') {
        this.stats.errors++;
        this.#log.warn({ err: message.message }, 'WAL checkpoint failed; will retry');
      }
    });
    worker.on('error', (error) => this.#log.error({ err: error }, 'checkpoint worker crashed'));
    this.#worker = worker;
  }

  /** Runs a last checkpoint and ends the worker. */
  async stop(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#worker = null;
    const stopped = new Promise<void>((resolve) => {
      worker.on('message', (message: { type: string }) => {
        if (message.type === 'stopped') resolve();
      });
      worker.once('exit', () => resolve());
    });
    worker.postMessage('stop');
    await stopped;
    await worker.terminate();
  }
}
