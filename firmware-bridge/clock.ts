import type { Clock } from '../runtime/clock.ts';

/**
 * Time as the bridge sees it. The press protocol runs on the bridge's own uptime
 * (`upMs`/`sentUpMs`, wire contract v1) because a counter host's wall clock may be
 * wrong; the wall clock only stamps `at`, a hint for replays from an earlier run.
 * Injected everywhere so tests drive debounce, lock-out and patterns without sleeping.
 */
export interface BridgeClock extends Pick<Clock, 'setTimer'> {
  /** Monotonic milliseconds since this bridge started. */
  uptimeMs(): number;
  /** Milliseconds since the Unix epoch (host clock, may be wrong). */
  wallMs(): number;
}

export function systemBridgeClock(): BridgeClock {
  const started = performance.now();
  return {
    uptimeMs: () => Math.floor(performance.now() - started),
    wallMs: () => Date.now(),
    setTimer(fn, ms) {
      const handle = setTimeout(fn, ms);
      handle.unref();
      return () => clearTimeout(handle);
    },
  };
}

/** A clock that moves only when told to; `advance` fires due timers in order. */
export class ManualBridgeClock implements BridgeClock {
  #uptime = 0;
  readonly #wallStart: number;
  #timers: { due: number; order: number; fn: () => void }[] = [];
  #order = 0;

  constructor(wallStartMs = Date.UTC(2026, 10, 23, 7, 0, 0)) {
    this.#wallStart = wallStartMs;
  }

  uptimeMs(): number {
    return this.#uptime;
  }

  wallMs(): number {
    return this.#wallStart + this.#uptime;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer = { due: this.#uptime + Math.max(0, ms), order: this.#order++, fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  advance(ms: number): void {
    const target = this.#uptime + ms;
    for (;;) {
      const next = this.#timers
        .filter((t) => t.due <= target)
        .sort((a, b) => a.due - b.due || a.order - b.order)[0];
      if (!next) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#uptime = next.due;
      next.fn();
    }
    this.#uptime = target;
  }
}
