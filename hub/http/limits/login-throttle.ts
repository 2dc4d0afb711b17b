import type { Clock } from '../../../runtime/clock.ts';

export interface LoginAttempt {
  /** `failed` counts against the address; `succeeded` and `not_counted` (officer already locked, bad request) do not. */
  done(outcome: 'failed' | 'succeeded' | 'not_counted'): void;
}

export type LoginAdmission = { ok: true; attempt: LoginAttempt } | { ok: false; retryAfterMs: number };

/** Beyond this many tracked addresses the oldest is forgotten: memory stays bounded. */
const MAX_ADDRESSES = 10_000;
/** An address refused only for attempts still in flight may try again this soon. */
const IN_FLIGHT_RETRY_MS = 1000;

/**
 * Failed logins per client address, across all officers (config http.login
 * addressMaxFailures within addressWindowMs; docs/security.md, "officer lock-out"). The
 * place is taken before the PIN is hashed, so N concurrent requests from one address
 * get at most `maxFailures` hashes. A success does not wipe the address's failures:
 * otherwise a client that knows one PIN could reset its count between guesses at
 * other officers. Requests from a refused address never reach an officer's count, so
 * one client cannot lock every officer out.
 */
export class LoginThrottle {
  readonly #rule: { maxFailures: number; windowMs: number };
  readonly #clock: Clock;
  readonly #byAddress = new Map<string, { failures: number[]; inFlight: number }>();

  constructor(rule: { maxFailures: number; windowMs: number }, clock: Clock) {
    this.#rule = rule;
    this.#clock = clock;
  }

  /** Whether the address may try now (cheap: called before the request body is read). */
  check(address: string): { ok: true } | { ok: false; retryAfterMs: number } {
    const entry = this.#entry(address);
    if (!entry || entry.failures.length + entry.inFlight < this.#rule.maxFailures) return { ok: true };
    const oldest = entry.failures[0];
    return { ok: false, retryAfterMs: oldest === undefined ? IN_FLIGHT_RETRY_MS : Math.max(IN_FLIGHT_RETRY_MS, oldest + this.#rule.windowMs - this.#clock.now()) };
  }

  /** Takes a place for one attempt, or says how long to wait. */
  reserve(address: string): LoginAdmission {
    const verdict = this.check(address);
    if (!verdict.ok) return verdict;
    let entry = this.#entry(address);
    if (!entry) {
      if (this.#byAddress.size >= MAX_ADDRESSES) this.#byAddress.delete(this.#byAddress.keys().next().value!);
      this.#byAddress.set(address, (entry = { failures: [], inFlight: 0 }));
    }
    entry.inFlight++;
    let settled = false;
    const held = entry;
    return {
      ok: true,
      attempt: {
        done: (outcome) => {
          if (settled) return;
          settled = true;
          held.inFlight--;
          if (outcome === 'failed') held.failures.push(this.#clock.now());
          if (held.inFlight === 0 && held.failures.length === 0) this.#byAddress.delete(address);
        },
      },
    };
  }

  /** The address's entry with failures older than the window dropped (and the entry, when empty). */
  #entry(address: string): { failures: number[]; inFlight: number } | undefined {
    const entry = this.#byAddress.get(address);
    if (!entry) return undefined;
    const since = this.#clock.now() - this.#rule.windowMs;
    while (entry.failures.length > 0 && entry.failures[0]! <= since) entry.failures.shift();
    if (entry.failures.length === 0 && entry.inFlight === 0) {
      this.#byAddress.delete(address);
      return undefined;
    }
    return entry;
  }
}
