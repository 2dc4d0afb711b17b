import { RetryAfter } from './retry-after.ts';

/**
 * Admission control for batch applications: at most `maxConcurrent` in flight across
 * all centres. Beyond that a request is refused at once with 429 and a Retry-After,
 * never queued: after a national WAN outage every centre drains its backlog at the
 * same moment, and an unbounded queue would turn that into memory growth and
 * timeouts (each hub then retries a request we are still working on).
 *
 * Retry-After: see retry-after.ts.
 */
export interface AdmissionOptions {
  maxConcurrent: number;
  clock: { now(): number };
  /** Refusals younger than this count towards the back-off. */
  refusalWindowMs?: number;
  /** Injectable for tests; 0 ≤ random() < 1. */
  random?: () => number;
}

export type AdmissionTicket = { admitted: true; release: () => void } | { admitted: false; retryAfterS: number };

export class Admission {
  readonly #maxConcurrent: number;
  readonly #retryAfter: RetryAfter;
  #inFlight = 0;
  #inFlightMax = 0;
  #refusedTotal = 0;

  constructor(options: AdmissionOptions) {
    if (!Number.isInteger(options.maxConcurrent) || options.maxConcurrent < 1) throw new RangeError('maxConcurrent must be an integer ≥ 1');
    this.#maxConcurrent = options.maxConcurrent;
    this.#retryAfter = new RetryAfter({ clock: options.clock, windowMs: options.refusalWindowMs ?? 5_000, ...(options.random ? { random: options.random } : {}) });
  }

  tryEnter(): AdmissionTicket {
    if (this.#inFlight >= this.#maxConcurrent) {
      this.#refusedTotal += 1;
      return { admitted: false, retryAfterS: this.#retryAfter.next() };
    }
    this.#inFlight += 1;
    this.#inFlightMax = Math.max(this.#inFlightMax, this.#inFlight);
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        this.#inFlight -= 1;
      },
    };
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** The most batches ever in flight at once: proof that the limit held. */
  get inFlightMax(): number {
    return this.#inFlightMax;
  }

  get rateLimitedTotal(): number {
    return this.#refusedTotal;
  }

  get maxConcurrent(): number {
    return this.#maxConcurrent;
  }
}
