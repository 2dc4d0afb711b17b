import type { Clock } from '../../../runtime/clock.ts';
import type { Logger } from '../../logger.ts';

export type RefusalReason =
  | 'connections_per_address'
  | 'connections_total'
  | 'connection_evicted'
  | 'streams_per_address'
  | 'streams_total'
  | 'stream_evicted'
  | 'stream_not_reading'
  | 'login_throttled'
  | 'login_locked'
  | 'body_too_large'
  | 'json_too_deep'
  | 'unauthorized';

/** Summaries name at most this many addresses, each cut to this length: log lines stay bounded. */
const TOP_ADDRESSES = 5;
const MAX_ADDRESS_CHARS = 64;
const MAX_TRACKED_ADDRESSES = 1000;

/**
 * Counts what the HTTP side refuses, by reason, and logs one summary line per interval
 * instead of one line per refusal: a hostile client can make thousands a second, and
 * the log must not become the next thing it exhausts. Totals go to /health and /metrics.
 */
export class HttpRefusals {
  readonly #totals = new Map<RefusalReason, number>();
  #window = new Map<RefusalReason, number>();
  #windowAddresses = new Map<string, number>();
  readonly #log: Logger;
  readonly #cancel: () => void;

  constructor(options: { clock: Clock; log: Logger; summaryEveryMs?: number }) {
    this.#log = options.log;
    this.#cancel = options.clock.setRepeating(() => this.flush(), options.summaryEveryMs ?? 60_000);
  }

  count(reason: RefusalReason, address: string): void {
    this.#totals.set(reason, (this.#totals.get(reason) ?? 0) + 1);
    this.#window.set(reason, (this.#window.get(reason) ?? 0) + 1);
    const key = address.slice(0, MAX_ADDRESS_CHARS);
    if (this.#windowAddresses.has(key) || this.#windowAddresses.size < MAX_TRACKED_ADDRESSES) {
      this.#windowAddresses.set(key, (this.#windowAddresses.get(key) ?? 0) + 1);
    }
  }

  /** All-time counts by reason. */
  totals(): Record<string, number> {
    return Object.fromEntries([...this.#totals].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Logs the refusals since the last summary, if any (runs on the interval, and at stop). */
  flush(): void {
    if (this.#window.size === 0) return;
    const top = [...this.#windowAddresses].sort((a, b) => b[1] - a[1]).slice(0, TOP_ADDRESSES).map(([address, count]) => ({ address, count }));
    this.#log.warn({ refused: Object.fromEntries(this.#window), addresses: this.#windowAddresses.size, top }, 'HTTP requests and connections refused since the last summary (docs/security.md)');
    this.#window = new Map();
    this.#windowAddresses = new Map();
  }

  stop(): void {
    this.#cancel();
    this.flush();
  }
}
