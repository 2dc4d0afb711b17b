import type { Clock } from '../../runtime/clock.ts';

/** One expected reply: register before writing the request, arm once it is written. */
export interface PendingReply<T> {
  readonly promise: Promise<T>;
  /** Starts the timeout; `onTimeout` makes the rejection. */
  arm(timeoutMs: number, onTimeout: () => Error): void;
  /** Withdraws the expectation (the request never went out) and rejects with `error`. */
  cancel(error: Error): void;
}

interface Entry<T> {
  resolve(value: T): void;
  reject(error: Error): void;
  cancelTimer?: () => void;
  /** Set when the wait timed out; the entry stays to absorb a late reply. */
  abandonedAt?: number;
}

/**
 * Replies of one kind matched to requests in FIFO order, each with its own timeout (the
 * printer answers `DLE EOT` and `GS r` strictly in order: docs/protocols/escpos.md §2,
 * §5). A request whose wait timed out stays in line as "abandoned" for `graceMs`, so its
 * late reply is absorbed instead of being taken as the answer to a later request — e.g.
 * the barrier of a ticket stuck behind paper end, answered when paper is loaded. After
 * `graceMs` it is forgotten (the printer lost it: power cycle), so later replies match again.
 * The zigbee-herdsman `Waitress` shape, specialised to FIFO.
 */
export class ReplyQueue<T> {
  readonly #clock: Clock;
  readonly #graceMs: number;
  #entries: Entry<T>[] = [];

  constructor(clock: Clock, graceMs: number) {
    this.#clock = clock;
    this.#graceMs = graceMs;
  }

  /** Requests still waiting for their reply (abandoned ones not counted). */
  get waiting(): number {
    return this.#entries.filter((entry) => entry.abandonedAt === undefined).length;
  }

  /** Timed-out requests whose late reply would still be absorbed. */
  get abandoned(): number {
    this.#expire();
    return this.#entries.length - this.waiting;
  }

  expect(): PendingReply<T> {
    this.#expire();
    let entry!: Entry<T>;
    const promise = new Promise<T>((resolve, reject) => {
      entry = { resolve, reject };
    });
    this.#entries.push(entry);
    return {
      promise,
      arm: (timeoutMs, onTimeout) => {
        if (!this.#entries.includes(entry) || entry.abandonedAt !== undefined || entry.cancelTimer) return;
        entry.cancelTimer = this.#clock.setTimer(() => {
          entry.cancelTimer = undefined;
          entry.abandonedAt = this.#clock.now();
          entry.reject(onTimeout());
        }, timeoutMs);
      },
      cancel: (error) => {
        const index = this.#entries.indexOf(entry);
        if (index < 0) return;
        this.#entries.splice(index, 1);
        entry.cancelTimer?.();
        entry.reject(error);
      },
    };
  }

  /**
   * A reply arrived: settles the oldest request. Returns 'matched', 'late' (absorbed by
   * an abandoned request) or 'unexpected' (nobody asked: a stray or very late reply).
   */
  offer(reply: T): 'matched' | 'late' | 'unexpected' {
    this.#expire();
    const entry = this.#entries.shift();
    if (!entry) return 'unexpected';
    if (entry.abandonedAt !== undefined) return 'late';
    entry.cancelTimer?.();
    entry.resolve(reply);
    return 'matched';
  }

  /** Rejects every waiting request and forgets abandoned ones (the line went away). */
  clear(error: Error): void {
    const entries = this.#entries;
    this.#entries = [];
    for (const entry of entries) {
      entry.cancelTimer?.();
      if (entry.abandonedAt === undefined) entry.reject(error);
    }
  }

  #expire(): void {
    const now = this.#clock.now();
    this.#entries = this.#entries.filter((entry) => entry.abandonedAt === undefined || now - entry.abandonedAt < this.#graceMs);
  }
}
