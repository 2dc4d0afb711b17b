import type { Clock } from '../../runtime/clock.ts';
import type { Logger } from '../logger.ts';

/** Refusals of one reason logged one by one per window; the rest are summed up in one line. */
const LOGGED_PER_WINDOW = 5;
const WINDOW_MS = 60_000;

interface Window {
  startedAt: number;
  logged: number;
  suppressed: number;
  cancelFlush: (() => void) | null;
}

/**
 * Logs refusals without letting whoever is refused write the log: per reason, the
 * first few of each minute are logged one by one (every field bounded by the logger),
 * the rest are summed up in one line at the end of the minute. The counters in the
 * store keep every refusal (docs/security.md, "Logs"). 180 MB of log in 9 s from
 * refused CONNECTs with 30 KB client ids is what this prevents.
 */
export class RefusalLog {
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #windows = new Map<string, Window>();

  constructor(log: Logger, clock: Clock) {
    this.#log = log;
    this.#clock = clock;
  }

  warn(reason: string, context: Record<string, unknown>, message: string): void {
    const now = this.#clock.now();
    let window = this.#windows.get(reason);
    if (!window || now - window.startedAt >= WINDOW_MS) {
      if (window) this.#flush(reason, window);
      window = { startedAt: now, logged: 0, suppressed: 0, cancelFlush: null };
      this.#windows.set(reason, window);
    }
    if (window.logged < LOGGED_PER_WINDOW) {
      window.logged++;
      this.#log.warn({ reason, ...context }, message);
      return;
    }
    window.suppressed++;
    if (!window.cancelFlush) {
      const current = window;
      current.cancelFlush = this.#clock.setTimer(() => this.#flush(reason, current), current.startedAt + WINDOW_MS - now);
    }
  }

  /** Writes what is still summed up (the hub is stopping). */
  stop(): void {
    for (const [reason, window] of this.#windows) this.#flush(reason, window);
    this.#windows.clear();
  }

  #flush(reason: string, window: Window): void {
    window.cancelFlush?.();
    window.cancelFlush = null;
    if (window.suppressed === 0) return;
    this.#log.warn(
      { reason, notLogged: window.suppressed, windowS: WINDOW_MS / 1000 },
      `${window.suppressed} more refusals of this kind in the last minute were not logged one by one (GET /health counts them all)`,
    );
    window.suppressed = 0;
  }
}
