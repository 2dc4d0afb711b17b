import type { Clock } from '../../runtime/clock.ts';

/**
 * The sender's one wait: until a timer fires, a kick (wake now) or, when idle, a
 * notification of new events (wake after a short linger so a trickle of presses
 * goes as one batch). Timers go through the injected clock.
 */
export class SyncWaiter {
  readonly #clock: Clock;
  #resolve: (() => void) | null = null;
  #cancel: (() => void) | null = null;
  #idle = false;
  #pendingWake = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Waits up to `ms`. `idle` waits may be shortened by notify(); any wait by wake(). */
  wait(ms: number, { idle }: { idle: boolean }): Promise<void> {
    if (this.#pendingWake) {
      this.#pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#idle = idle;
      this.#resolve = resolve;
      this.#cancel = this.#clock.setTimer(() => this.#finish(), ms);
    });
  }

  notify(lingerMs: number): void {
    if (!this.#resolve || !this.#idle) return;
    this.#idle = false;
    this.#cancel?.();
    this.#cancel = this.#clock.setTimer(() => this.#finish(), lingerMs);
  }

  wake(): void {
    if (this.#resolve) this.#finish();
    else this.#pendingWake = true;
  }

  #finish(): void {
    this.#cancel?.();
    this.#cancel = null;
    const resolve = this.#resolve;
    this.#resolve = null;
    resolve?.();
  }
}
