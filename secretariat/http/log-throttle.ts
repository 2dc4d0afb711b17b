/**
 * At most one log line per key per interval: refusals an operator must see (an unknown
 * centre, a wrong secret, a dropped upload) without letting whoever sends them fill the
 * log. Real time (the injected clock may be frozen in tests); the key set is bounded by
 * forgetting everything when it grows large, which at worst logs a line twice.
 */
export class LogThrottle {
  readonly #intervalMs: number;
  readonly #maxKeys: number;
  readonly #last = new Map<string, number>();

  constructor(intervalMs: number, maxKeys = 1000) {
    this.#intervalMs = intervalMs;
    this.#maxKeys = maxKeys;
  }

  allow(key: string): boolean {
    const now = performance.now();
    const last = this.#last.get(key);
    if (last !== undefined && now - last < this.#intervalMs) return false;
    if (this.#last.size >= this.#maxKeys) this.#last.clear();
    this.#last.set(key, now);
    return true;
  }
}
