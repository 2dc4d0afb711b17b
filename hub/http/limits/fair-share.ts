/** Why a fair-share quota refused: the address has its share, or everything is taken and it is not the one over its share. */
export type QuotaRefusal = 'per_address' | 'total';

export type Admission<T> = { admitted: true; evicted: { address: string; item: T } | null } | { admitted: false; reason: QuotaRefusal };

/**
 * Counts what each client address holds (connections, event streams) against a cap per
 * address and a cap in all. When everything is taken, a newcomer that holds less than
 * the biggest holder takes one place from that holder (its oldest), so clients spread
 * over many addresses can fill the hub but can never starve a kiosk or console that
 * holds one or two (docs/security.md, "Hub HTTP API"). Among equal holders the address
 * that came first gives up first. The caller closes what is
 * evicted; releasing it again afterwards is harmless.
 */
export class FairShareQuota<T> {
  readonly perAddress: number;
  readonly total: number;
  readonly #byAddress = new Map<string, Set<T>>();
  #size = 0;

  constructor(limits: { perAddress: number; total: number }) {
    this.perAddress = limits.perAddress;
    this.total = limits.total;
  }

  get size(): number {
    return this.#size;
  }

  get addresses(): number {
    return this.#byAddress.size;
  }

  heldBy(address: string): number {
    return this.#byAddress.get(address)?.size ?? 0;
  }

  admit(address: string, item: T): Admission<T> {
    const own = this.heldBy(address);
    if (own >= this.perAddress) return { admitted: false, reason: 'per_address' };
    let evicted: { address: string; item: T } | null = null;
    if (this.#size >= this.total) {
      const biggest = this.#biggest();
      // Only someone holding more than the newcomer gives a place up: a client holding
      // nothing (a kiosk coming back) always gets in, and nobody ends up with more than
      // the biggest holder had.
      if (!biggest || biggest.items.size <= own) return { admitted: false, reason: 'total' };
      const oldest = biggest.items.values().next().value as T;
      this.release(biggest.address, oldest);
      evicted = { address: biggest.address, item: oldest };
    }
    let items = this.#byAddress.get(address);
    if (!items) this.#byAddress.set(address, (items = new Set()));
    items.add(item);
    this.#size++;
    return { admitted: true, evicted };
  }

  /** Returns whether `item` was still counted. */
  release(address: string, item: T): boolean {
    const items = this.#byAddress.get(address);
    if (!items?.delete(item)) return false;
    this.#size--;
    if (items.size === 0) this.#byAddress.delete(address);
    return true;
  }

  /** Only runs when everything is taken (a scan of at most `total` addresses). */
  #biggest(): { address: string; items: Set<T> } | null {
    let best: { address: string; items: Set<T> } | null = null;
    for (const [address, items] of this.#byAddress) {
      if (!best || items.size > best.items.size) best = { address, items };
    }
    return best;
  }
}
