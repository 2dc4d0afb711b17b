/**
 * Admission control for batch applications: at most `maxConcurrent` in flight across
 * all centres. Beyond that a request is refused at once with 429 and a Retry-After,
 * never queued: after a national WAN outage every centre drains its backlog at the
 * same moment, and an unbounded queue would turn that into memory growth and
 * timeouts (each hub then retries a request we are still working on).
 *
 * Retry-After grows with the number of refusals in the last few seconds (more hubs
 * waiting → spread them further) and carries jitter so refused hubs do not return in
 * lock-step.
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

const MAX_RETRY_AFTER_S = 30;
const MAX_BASE_S = 25;
/** Bounds the refusal log itself: beyond this many recent refusals the back-off is at its cap anyway. */
const MAX_REMEMBERED_REFUSALS = 10_000;

export class Admission {
  readonly #options: Required<AdmissionOptions>;
  #inFlight = 0;
  #inFlightMax = 0;
  #refusedTotal = 0;
  #recentRefusals: number[] = [];

  constructor(options: AdmissionOptions) {
    if (!Number.isInteger(options.maxConcurrent) || options.maxConcurrent < 1) throw new RangeError('maxConcurrent must be an integer ≥ 1');
    this.#options = { refusalWindowMs: 5_000, random: Math.random, ...options };
  }

  tryEnter(): AdmissionTicket {
    if (this.#inFlight >= this.#options.maxConcurrent) {
      this.#refusedTotal += 1;
      return { admitted: false, retryAfterS: this.#retryAfter() };
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
    return this.#options.maxConcurrent;
  }

  #retryAfter(): number {
    const now = this.#options.clock.now();
    const since = now - this.#options.refusalWindowMs;
    const recent = this.#recentRefusals;
    let drop = 0;
    while (drop < recent.length && recent[drop]! < since) drop += 1;
    if (drop > 0) recent.splice(0, drop);
    if (recent.length >= MAX_REMEMBERED_REFUSALS) recent.shift();
    recent.push(now);
    // 1 s for the first refusal, +1 s each time the recent refusals double.
    const base = Math.min(MAX_BASE_S, 1 + Math.floor(Math.log2(recent.length)));
    const jitter = Math.floor(this.#options.random() * (1 + Math.floor(base / 2)));
    return Math.max(1, Math.min(MAX_RETRY_AFTER_S, base + jitter));
  }
}
