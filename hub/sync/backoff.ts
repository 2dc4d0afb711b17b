import { ExponentialBackoff } from '../../runtime/backoff.ts';

export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
  holdDownMs: number;
}

/**
 * When to try the Secretariat again. Exponential with "equal jitter" (half the step
 * fixed, half random), so fifty centres whose WAN returns at the same second spread
 * out instead of arriving together (docs/sync-contract.md, "Reconnect storms"); never sooner than
 * the hold-down after a failure; and no attempt limit: a centre never gives up
 * (docs/sync-contract.md, "Never give up").
 */
export class SyncBackoff {
  readonly #settings: BackoffSettings;
  readonly #random: () => number;
  readonly #exponential: ExponentialBackoff;

  constructor(settings: BackoffSettings, random: () => number = Math.random) {
    this.#settings = settings;
    this.#random = random;
    this.#exponential = new ExponentialBackoff({ initialMs: settings.initialMs, maxMs: settings.maxMs, jitter: 'equal', random });
  }

  get failures(): number {
    return this.#exponential.attempts;
  }

  /** The wait after one more failure in a row. */
  failure(): number {
    return Math.max(this.#settings.holdDownMs, this.#exponential.next());
  }

  /**
   * The wait after a 429: what the Secretariat asked for, plus up to 25 % jitter so the
   * refused centres do not come back in step; without Retry-After, as a failure.
   */
  rateLimited(retryAfterMs: number | null): number {
    if (retryAfterMs === null) return this.failure();
    // A failure too (the next one waits longer), but this wait is the Secretariat's.
    this.#exponential.skip();
    return Math.round(Math.min(this.#settings.maxMs, retryAfterMs) * (1 + 0.25 * this.#random()));
  }

  success(): void {
    this.#exponential.reset();
  }
}

/**
 * Batch size, additive-increase/multiplicative-decrease style: starts small and
 * doubles per acknowledged batch up to the configured bound, halves on any trouble.
 * A link that just came back (or a Secretariat shedding load) gets small batches
 * first; a healthy drain quickly runs at full size.
 */
export class BatchSizer {
  static readonly MIN = 10;
  readonly #max: number;
  #current: number;

  constructor(max: number, start = Math.min(max, 100)) {
    this.#max = max;
    this.#current = Math.max(Math.min(BatchSizer.MIN, max), start);
  }

  get current(): number {
    return this.#current;
  }

  grow(): void {
    this.#current = Math.min(this.#max, this.#current * 2);
  }

  shrink(): void {
    this.#current = Math.max(Math.min(BatchSizer.MIN, this.#max), Math.floor(this.#current / 2));
  }
}
