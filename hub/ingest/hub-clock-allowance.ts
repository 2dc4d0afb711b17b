/**
 * A token bucket on the hub's clock: `burst` at once, refilled at `perMinute`. Used
 * for presses whose time the hub cannot check (docs/security.md, "Device clocks"):
 * whatever such a press claims about when it happened, it costs a token now.
 */
export class HubClockAllowance {
  #tokens: number | null = null;
  #at = 0;

  /** Tokens available at `now` (a fresh bucket is full). */
  available(now: number, burst: number, perMinute: number): number {
    if (this.#tokens === null) return burst;
    const refilled = this.#tokens + (Math.max(0, now - this.#at) * perMinute) / 60_000;
    return Math.min(burst, refilled);
  }

  take(now: number, burst: number, perMinute: number): void {
    this.#tokens = this.available(now, burst, perMinute) - 1;
    this.#at = Math.max(this.#at, now);
  }
}
