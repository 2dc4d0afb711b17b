/**
 * Remembers the nonces of verified sync requests so an exact copy of a request
 * (captured on the wire, or resent by a confused proxy) is refused inside the
 * signature window (docs/architecture.md, "Signed sync"). A nonce only needs remembering while
 * its timestamp could still pass the skew check, i.e. up to 2× the window after
 * it was seen; after that the timestamp check refuses the copy on its own.
 *
 * Memory is bounded per centre: beyond `maxPerCentre` the oldest nonce is forgotten
 * (a centre legitimately sends a few requests a minute; 100k is a flood, and one
 * flooding centre cannot grow the others' memory).
 */
export class ReplayCache {
  readonly #ttlMs: number;
  readonly #maxPerCentre: number;
  /** Per centre: nonce → expiry (ms). Map keeps insertion order, so the oldest is first. */
  readonly #seen = new Map<string, Map<string, number>>();

  constructor(options: { windowMs: number; maxPerCentre?: number }) {
    this.#ttlMs = 2 * options.windowMs;
    this.#maxPerCentre = options.maxPerCentre ?? 100_000;
  }

  /**
   * Records (centreId, nonce) as seen at `nowMs`. Returns false when it was already
   * seen and has not expired (a replay). Call only after the signature verified, so
   * forged requests cannot fill the cache or burn a real sender's nonce.
   */
  remember(centreId: string, nonce: string, nowMs: number): boolean {
    let nonces = this.#seen.get(centreId);
    if (!nonces) {
      nonces = new Map();
      this.#seen.set(centreId, nonces);
    }
    this.#expire(nonces, nowMs);
    const expiresAt = nonces.get(nonce);
    if (expiresAt !== undefined && expiresAt > nowMs) return false;
    nonces.delete(nonce);
    nonces.set(nonce, nowMs + this.#ttlMs);
    while (nonces.size > this.#maxPerCentre) {
      const oldest = nonces.keys().next().value as string;
      nonces.delete(oldest);
    }
    return true;
  }

  /**
   * Read-only: was (centreId, nonce) seen and not yet expired? Checked before a body is
   * read, so a replay costs no upload; only `remember`, after verification, writes.
   */
  seen(centreId: string, nonce: string, nowMs: number): boolean {
    const expiresAt = this.#seen.get(centreId)?.get(nonce);
    return expiresAt !== undefined && expiresAt > nowMs;
  }

  size(centreId?: string): number {
    if (centreId !== undefined) return this.#seen.get(centreId)?.size ?? 0;
    let total = 0;
    for (const nonces of this.#seen.values()) total += nonces.size;
    return total;
  }

  /** Drops expired entries from the front (insertion order ≈ expiry order). */
  #expire(nonces: Map<string, number>, nowMs: number): void {
    for (const [nonce, expiresAt] of nonces) {
      if (expiresAt > nowMs) break;
      nonces.delete(nonce);
    }
  }
}
