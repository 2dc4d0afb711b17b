/**
 * Retry-After for a refusal (docs/sync-contract.md): 1 s for the first refusal in a
 * few seconds, +1 s each time the recent refusals double (more hubs waiting → spread
 * them further), with jitter so refused hubs do not return in lock-step. At most 30 s.
 */
export interface RetryAfterOptions {
  clock: { now(): number };
  /** Refusals younger than this count towards the back-off. */
  windowMs?: number;
  /** Injectable for tests; 0 ≤ random() < 1. */
  random?: () => number;
}

const MAX_RETRY_AFTER_S = 30;
const MAX_BASE_S = 25;
/** Bounds the refusal log itself: beyond this many recent refusals the back-off is at its cap anyway. */
const MAX_REMEMBERED_REFUSALS = 10_000;

export class RetryAfter {
  readonly #clock: { now(): number };
  readonly #windowMs: number;
  readonly #random: () => number;
  #recent: number[] = [];

  constructor(options: RetryAfterOptions) {
    this.#clock = options.clock;
    this.#windowMs = options.windowMs ?? 5_000;
    this.#random = options.random ?? Math.random;
  }

  /** Records one refusal now and returns its Retry-After in whole seconds (1–30). */
  next(): number {
    const now = this.#clock.now();
    const since = now - this.#windowMs;
    const recent = this.#recent;
    let drop = 0;
    while (drop < recent.length && recent[drop]! < since) drop += 1;
    if (drop > 0) recent.splice(0, drop);
    if (recent.length >= MAX_REMEMBERED_REFUSALS) recent.shift();
    recent.push(now);
    const base = Math.min(MAX_BASE_S, 1 + Math.floor(Math.log2(recent.length)));
    const jitter = Math.floor(this.#random() * (1 + Math.floor(base / 2)));
    return Math.max(1, Math.min(MAX_RETRY_AFTER_S, base + jitter));
  }
}
