import { ManualClock, systemClock, type Clock } from '../runtime/clock.ts';

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
    setTimer: (fn, ms) => systemClock.setTimer(fn, ms),
  };
}

/** A clock that moves only when told to (the shared ManualClock, read as uptime since `wallStartMs`). */
export class ManualBridgeClock implements BridgeClock {
  readonly #clock: ManualClock;
  readonly #wallStart: number;

  constructor(wallStartMs = Date.UTC(2026, 10, 23, 7, 0, 0)) {
    this.#wallStart = wallStartMs;
    this.#clock = new ManualClock(wallStartMs);
  }

  uptimeMs(): number {
    return this.#clock.now() - this.#wallStart;
  }

  wallMs(): number {
    return this.#clock.now();
  }

  setTimer(fn: () => void, ms: number): () => void {
    return this.#clock.setTimer(fn, ms);
  }

  /** Moves time forward by `ms`, firing due timers in time order. */
  advance(ms: number): void {
    this.#clock.advance(ms);
  }
}
