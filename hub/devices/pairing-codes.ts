import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { PairingRefusal } from '../../protocol/messages/pairing.ts';
import type { Clock } from '../../runtime/clock.ts';

export interface PairingSettings {
  /** How long an opened code may be claimed (10 minutes by default). */
  codeTtlMs: number;
  /** Wrong codes after which every open code is refused until a new one is opened. */
  maxWrongCodes: number;
}

export interface OpenedCode {
  code: string;
  counterId: string;
  expiresAt: string;
}

/** A right code: the counter it was opened for and who opened it (for the audit trail). */
export type ClaimOutcome =
  | { ok: true; counterId: string; openedBy: string }
  | { ok: false; reason: Exclude<PairingRefusal, 'claim_invalid'>; message: string };

interface CodeEntry {
  digest: Buffer;
  counterId: string;
  openedBy: string;
  expiresAtMs: number;
  state: 'open' | 'used' | 'closed';
}

/** Used and expired codes are remembered this long, so a late claim hears "used"/"expired", not "wrong". */
const REMEMBER_MS = 24 * 3_600_000;
/** Bounds memory however many codes are opened. */
const MAX_REMEMBERED = 1000;

/**
 * The hub's pairing window (docs/provisioning.md, "Pairing a feedback device by code").
 * Codes are six digits, so a plain hash of one is reversed by trying all 10^6: only an
 * HMAC under a key that never leaves this process is kept, and each presented code is
 * compared with every remembered one in constant time. Codes live in memory only: a
 * hub restart closes every window (the technician opens a new one).
 */
export class PairingCodes {
  readonly #key = randomBytes(32);
  readonly #clock: Clock;
  readonly #settings: PairingSettings;
  #entries: CodeEntry[] = [];
  #wrong = 0;
  #closed = false;

  constructor(clock: Clock, settings: PairingSettings) {
    this.#clock = clock;
    this.#settings = settings;
  }

  /** Opens a code for `counterId`; also reopens a window closed by wrong codes. */
  open(counterId: string, openedBy: string): OpenedCode {
    this.#prune();
    let code: string;
    let digest: Buffer;
    // A code equal to a remembered one would make "used" and "open" ambiguous.
    do {
      code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      digest = this.#digest(code);
    } while (this.#find(digest));
    const expiresAtMs = this.#clock.now() + this.#settings.codeTtlMs;
    this.#entries.push({ digest, counterId, openedBy, expiresAtMs, state: 'open' });
    this.#wrong = 0;
    this.#closed = false;
    return { code, counterId, expiresAt: new Date(expiresAtMs).toISOString() };
  }

  /** Claims `code`: on success it is used up; a wrong one counts towards closing the window. */
  claim(code: string): ClaimOutcome {
    if (this.#closed) {
      return { ok: false, reason: 'pairing_closed', message: `pairing is closed after ${this.#settings.maxWrongCodes} wrong codes; open a new code on the technician page` };
    }
    const entry = this.#find(this.#digest(code));
    if (!entry) {
      this.#wrong += 1;
      if (this.#wrong >= this.#settings.maxWrongCodes) this.#close();
      const left = this.#settings.maxWrongCodes - this.#wrong;
      return { ok: false, reason: 'code_wrong', message: left > 0 ? `wrong code (no open code matches; ${left} more wrong code${left === 1 ? '' : 's'} close pairing)` : 'wrong code; pairing is now closed until a new code is opened' };
    }
    if (entry.state === 'used') return { ok: false, reason: 'code_used', message: 'this code was used already (each code pairs one device); open a new code' };
    if (entry.state === 'closed') return { ok: false, reason: 'pairing_closed', message: 'pairing was closed after too many wrong codes; open a new code' };
    if (this.#clock.now() >= entry.expiresAtMs) return { ok: false, reason: 'code_expired', message: `this code expired at ${new Date(entry.expiresAtMs).toISOString()}; open a new code` };
    entry.state = 'used';
    return { ok: true, counterId: entry.counterId, openedBy: entry.openedBy };
  }

  /** Gives a used code back when the device could not be created after all. */
  release(code: string): void {
    const entry = this.#find(this.#digest(code));
    if (entry?.state === 'used') entry.state = 'open';
  }

  /** Codes that can still be claimed now. */
  get openCount(): number {
    const now = this.#clock.now();
    return this.#closed ? 0 : this.#entries.filter((e) => e.state === 'open' && e.expiresAtMs > now).length;
  }

  get closed(): boolean {
    return this.#closed;
  }

  #close(): void {
    this.#closed = true;
    for (const entry of this.#entries) if (entry.state === 'open') entry.state = 'closed';
  }

  #digest(code: string): Buffer {
    return createHmac('sha256', this.#key).update(code).digest();
  }

  /** Compares with every entry (no early exit), so timing tells nothing about which matched. */
  #find(digest: Buffer): CodeEntry | undefined {
    let found: CodeEntry | undefined;
    for (const entry of this.#entries) {
      if (timingSafeEqual(entry.digest, digest) && !found) found = entry;
    }
    return found;
  }

  #prune(): void {
    const horizon = this.#clock.now() - REMEMBER_MS;
    this.#entries = this.#entries.filter((e) => e.expiresAtMs > horizon).slice(-MAX_REMEMBERED + 1);
  }
}
