/**
 * Exponential backoff, the one the programs share: attempt n waits up to
 * min(max, initial·2ⁿ). With `jitter: 'equal'` ("equal jitter") it waits between half
 * and all of that, so many clients that lost the same server at the same second come
 * back spread out (fifty bridges after a hub restart, fifty centres after a WAN
 * outage), while the floor keeps any one of them from hammering it; without jitter it
 * waits exactly that (a local serial device has nobody to collide with).
 */
/** The un-jittered wait before retry `attempt` (0 = the first): min(max, initial·2^attempt). */
export function doublingDelayMs(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(attempt, 0), 30));
}

/** The same waits as a list that ends at the cap, for a schedule whose last entry repeats: [500, 1000, …, 8000, 10000]. */
export function doublingSchedule(initialMs: number, maxMs: number): number[] {
  const delays = [doublingDelayMs(0, initialMs, maxMs)];
  while (delays.at(-1)! < maxMs) delays.push(doublingDelayMs(delays.length, initialMs, maxMs));
  return delays;
}

export class ExponentialBackoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #jitter: boolean;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: { initialMs: number; maxMs: number; jitter?: 'equal' | 'none'; random?: () => number }) {
    this.#initialMs = options.initialMs;
    this.#maxMs = options.maxMs;
    this.#jitter = (options.jitter ?? 'equal') === 'equal';
    this.#random = options.random ?? Math.random;
  }

  /** Failed attempts since the last reset. */
  get attempts(): number {
    return this.#attempt;
  }

  /** The wait before the next attempt (counts one more failure). */
  next(): number {
    const ceiling = doublingDelayMs(this.#attempt, this.#initialMs, this.#maxMs);
    this.#attempt += 1;
    return this.#jitter ? Math.round(ceiling / 2 + (this.#random() * ceiling) / 2) : ceiling;
  }

  /** Counts a failure whose wait someone else decided (a server's Retry-After): the next wait grows as if it had come from here. */
  skip(): void {
    this.#attempt += 1;
  }

  /** Success: the next failure starts from the initial wait again. */
  reset(): void {
    this.#attempt = 0;
  }
}
