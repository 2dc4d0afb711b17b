import type { IntakeLimits } from './intake-limits.ts';
import { RetryAfter } from './retry-after.ts';
import { quote, SyncRefusal } from './sync-errors.ts';

export type IntakeLimit = 'per_address' | 'bodies' | 'bytes' | 'per_centre';
export type Entry = { ok: true; release: () => void } | { ok: false; refusal: SyncRefusal };

const MIB = 1024 * 1024;

/**
 * Counts what sync requests hold before and after their signature verifies
 * (docs/security.md, "Secretariat"), and refuses beyond the limits with a Retry-After:
 *
 * - unverified bodies (being read, signature not yet checked): in all, per client
 *   address, and in bytes reserved (each its Content-Length). Who may send them is
 *   unknown, so they are what an attacker controls; the caps bound the memory they
 *   can make the receiver hold. 429 for one address over its share, 503 when the
 *   receiver as a whole is full.
 * - verified requests per centre: checked (read-only) before the body is read and
 *   taken once the signature verifies. Only verified requests count, so a sender
 *   who merely knows a centre's id cannot lock that centre out.
 */
export class IntakeGate {
  readonly limits: IntakeLimits;
  readonly #retryAfter: RetryAfter;
  readonly #perAddress = new Map<string, number>();
  readonly #perCentre = new Map<string, number>();
  #bodies = 0;
  #bytes = 0;
  #draining = 0;
  #peakBodies = 0;
  #peakBytes = 0;
  readonly #refused: Record<IntakeLimit, number> = { per_address: 0, bodies: 0, bytes: 0, per_centre: 0 };

  constructor(limits: IntakeLimits, clock: { now(): number }) {
    this.limits = limits;
    this.#retryAfter = new RetryAfter({ clock });
  }

  /** A place for one unverified body of (at most) `bytes` from `address`. */
  enterUnverified(address: string, bytes: number): Entry {
    const fromAddress = this.#perAddress.get(address) ?? 0;
    const { limits } = this;
    if (fromAddress >= limits.maxUnverifiedPerAddress) {
      return this.#refuse('per_address', 429, `${limits.maxUnverifiedPerAddress} uploads from ${address} are in progress already (the limit per client address)`);
    }
    if (this.#bodies >= limits.maxUnverifiedBodies) {
      return this.#refuse('bodies', 503, `the Secretariat is receiving ${this.#bodies} uploads already (its limit)`);
    }
    if (this.#bytes + bytes > limits.maxUnverifiedBytes) {
      return this.#refuse('bytes', 503, `uploads in progress hold ${Math.round(this.#bytes / MIB)} MiB of the Secretariat's ${Math.round(limits.maxUnverifiedBytes / MIB)} MiB for unverified bodies`);
    }
    this.#perAddress.set(address, fromAddress + 1);
    this.#bodies += 1;
    this.#bytes += bytes;
    this.#peakBodies = Math.max(this.#peakBodies, this.#bodies);
    this.#peakBytes = Math.max(this.#peakBytes, this.#bytes);
    return {
      ok: true,
      release: once(() => {
        const left = (this.#perAddress.get(address) ?? 1) - 1;
        if (left > 0) this.#perAddress.set(address, left);
        else this.#perAddress.delete(address);
        this.#bodies -= 1;
        this.#bytes -= bytes;
      }),
    };
  }

  /** Read-only: would `enterCentre` refuse now? (Before the body is read.) */
  centreFull(centreId: string): SyncRefusal | undefined {
    return (this.#perCentre.get(centreId) ?? 0) >= this.limits.maxInFlightPerCentre ? this.#centreRefusal(centreId) : undefined;
  }

  /** A place for one verified request of `centreId`, held until it is answered. */
  enterCentre(centreId: string): Entry {
    const refusal = this.centreFull(centreId);
    if (refusal) return { ok: false, refusal };
    this.#perCentre.set(centreId, (this.#perCentre.get(centreId) ?? 0) + 1);
    return {
      ok: true,
      release: once(() => {
        const left = (this.#perCentre.get(centreId) ?? 1) - 1;
        if (left > 0) this.#perCentre.set(centreId, left);
        else this.#perCentre.delete(centreId);
      }),
    };
  }

  /** Bodies of refused requests being read and dropped (keep-alive: the client gets its answer). */
  drainStarted(): () => void {
    this.#draining += 1;
    return once(() => {
      this.#draining -= 1;
    });
  }

  get stats() {
    return {
      unverifiedBodies: this.#bodies,
      unverifiedBytes: this.#bytes,
      unverifiedAddresses: this.#perAddress.size,
      peakUnverifiedBodies: this.#peakBodies,
      peakUnverifiedBytes: this.#peakBytes,
      draining: this.#draining,
      centresInFlight: this.#perCentre.size,
      refused: { ...this.#refused },
    };
  }

  /** Refusals answered 429 (the ones a hub counts as rate limited). */
  get rateLimitedTotal(): number {
    return this.#refused.per_address + this.#refused.per_centre;
  }

  #centreRefusal(centreId: string): SyncRefusal {
    return this.#refuse('per_centre', 429, `centre ${quote(centreId)} has ${this.limits.maxInFlightPerCentre} requests in progress already (a hub sends one batch and one heartbeat at a time; is a second hub running with this centre id?)`).refusal;
  }

  #refuse(limit: IntakeLimit, status: 429 | 503, why: string): { ok: false; refusal: SyncRefusal } {
    this.#refused[limit] += 1;
    const retryAfterS = this.#retryAfter.next();
    return { ok: false, refusal: new SyncRefusal(status, 'rate_limited', `${why}; retry after ${retryAfterS} s (Retry-After)`, { 'retry-after': String(retryAfterS) }, {}, limit) };
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
