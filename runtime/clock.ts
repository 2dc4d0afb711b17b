/**
 * The one clock the programs and their hardware drivers read time and schedule work
 * through, so tests (and the accelerated simulated day) drive time instead of sleeping.
 * Nothing here is domain-specific: the hub, the bridge and `hardware/` all take a `Clock`.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once after `ms`; returns a cancel function. */
  setTimer(fn: () => void, ms: number): () => void;
  /** Runs `fn` every `ms`; returns a cancel function. */
  setRepeating(fn: () => void, ms: number): () => void;
}

/** Wall clock and Node timers. Timers are unref'd: they never keep the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return () => clearTimeout(handle);
  },
  setRepeating(fn, ms) {
    const handle = setInterval(fn, ms);
    handle.unref();
    return () => clearInterval(handle);
  },
};

interface ScheduledTimer {
  due: number;
  order: number;
  every: number | null;
  fn: () => void;
}

/** A clock that only moves when told to; `advance` fires due timers in time order. */
export class ManualClock implements Clock {
  #now: number;
  #timers = new Set<ScheduledTimer>();
  #order = 0;

  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimer(fn: () => void, ms: number): () => void {
    return this.#schedule(fn, ms, null);
  }

  setRepeating(fn: () => void, ms: number): () => void {
    return this.#schedule(fn, ms, Math.max(1, ms));
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const next = [...this.#timers].filter((t) => t.due <= target).sort((a, b) => a.due - b.due || a.order - b.order)[0];
      if (!next) break;
      this.#now = next.due;
      if (next.every === null) this.#timers.delete(next);
      else next.due += next.every;
      next.fn();
    }
    this.#now = target;
  }

  #schedule(fn: () => void, ms: number, every: number | null): () => void {
    const timer: ScheduledTimer = { due: this.#now + Math.max(0, ms), order: this.#order++, every, fn };
    this.#timers.add(timer);
    return () => this.#timers.delete(timer);
  }
}
