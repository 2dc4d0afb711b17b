import { randomInt } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { Clock } from '../../runtime/clock.ts';
import { HubError } from '../errors.ts';
import { hashSecret, secretMatchesHash } from './password-hash.ts';

/**
 * A 4–8 digit PIN has at most 10^8 values, so it is stored as a salted scrypt hash
 * (N = 2^14: ~40 ms per check on the hub) and guessing is stopped by lock-out, not by
 * the hash alone: after `maxFailures` wrong PINs in a row the officer is locked out for
 * `lockoutMs` (config http.login; a supervisor lifts it with `huduma-hub officer unlock`
 * or `officer add --force`). See docs/security.md, "officer lock-out".
 */
export const MAX_FAILURES = 5;
export const LOCKOUT_MS = 5 * 60_000;

export interface LockoutRule {
  maxFailures: number;
  lockoutMs: number;
}

/** `hashed`: the attempt ran the hash (a real guess, counted); false when refused before it. */
export type PinCheck =
  | { ok: true; officerId: string; name: string }
  | { ok: false; reason: 'invalid_pin'; hashed: true }
  | { ok: false; reason: 'login_locked'; untilMs: number; hashed: boolean };

interface Reserved {
  name: string;
  pin_salt: Buffer;
  pin_hash: Buffer;
  locked_until: number | null;
}

export class OfficerPins {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #rule: LockoutRule;
  readonly #reserve: Statement;
  #hashesChecked = 0;

  constructor(db: Database, clock: Clock, rule: LockoutRule = { maxFailures: MAX_FAILURES, lockoutMs: LOCKOUT_MS }) {
    this.#db = db;
    this.#clock = clock;
    this.#rule = rule;
    // The attempt is counted BEFORE the slow hash, in one statement: concurrent guesses
    // each take a place, and once `maxFailures` places are taken the officer is locked
    // until the attempts in flight say otherwise (a right PIN resets). So at most
    // `maxFailures` guesses reach scrypt per lock-out, however many arrive at once.
    // SET expressions all read the row as it was (a lock-out that ran out starts over).
    this.#reserve = db.prepare(`UPDATE officers SET
        failures = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failures + 1 END,
        locked_until = CASE WHEN (CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failures + 1 END) >= @max THEN @now + @lockoutMs ELSE NULL END
      WHERE officer_id = @officerId AND disabled_at IS NULL AND (locked_until IS NULL OR locked_until <= @now)
      RETURNING name, pin_salt, pin_hash, locked_until`);
  }

  /** PIN checks that ran the hash since start (at most maxFailures per officer per lock-out). */
  get hashesChecked(): number {
    return this.#hashesChecked;
  }

  /** Adds an officer (or, with `replace`, sets a new PIN and clears a lock-out); returns the PIN, generated when not given. */
  async add(officerId: string, name: string, pin: string | undefined, replace = false): Promise<{ officerId: string; name: string; pin: string }> {
    const chosen = pin ?? String(randomInt(0, 1_000_000)).padStart(6, '0');
    if (!/^\d{4,8}$/.test(chosen)) throw new HubError('usage', '--pin must be 4 to 8 digits');
    const { salt, hash } = await hashSecret(chosen);
    const now = this.#clock.now();
    const sql = replace
      ? `INSERT INTO officers (officer_id, name, pin_salt, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (officer_id) DO UPDATE SET name = excluded.name, pin_salt = excluded.pin_salt, pin_hash = excluded.pin_hash, failures = 0, locked_until = NULL, disabled_at = NULL`
      : 'INSERT INTO officers (officer_id, name, pin_salt, pin_hash, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (officer_id) DO NOTHING';
    const changes = this.#db.prepare(sql).run(officerId, name, salt, hash, now).changes;
    if (changes === 0) throw new HubError('officer_exists', `officer "${officerId}" exists already; add --force to give a new PIN`);
    return { officerId, name, pin: chosen };
  }

  /** A supervisor lifts a lock-out (and forgets the wrong PINs) without changing the PIN. */
  unlock(officerId: string): { officerId: string; wasLocked: boolean } {
    const row = this.#db.prepare('SELECT locked_until FROM officers WHERE officer_id = ? AND disabled_at IS NULL').get(officerId) as { locked_until: number | null } | undefined;
    if (!row) throw new HubError('officer_unknown', `no officer "${officerId}" (see huduma-hub officer list)`);
    this.#db.prepare('UPDATE officers SET failures = 0, locked_until = NULL WHERE officer_id = ?').run(officerId);
    return { officerId, wasLocked: row.locked_until !== null && row.locked_until > this.#clock.now() };
  }

  list(): Array<{ officerId: string; name: string; locked: boolean }> {
    const now = this.#clock.now();
    const rows = this.#db.prepare('SELECT officer_id, name, locked_until FROM officers WHERE disabled_at IS NULL ORDER BY officer_id').all() as Array<{ officer_id: string; name: string; locked_until: number | null }>;
    return rows.map((row) => ({ officerId: row.officer_id, name: row.name, locked: row.locked_until !== null && row.locked_until > now }));
  }

  /** The display name of an officer (for the console's "counter taken" answer), or null. */
  nameOf(officerId: string): string | null {
    const row = this.#db.prepare('SELECT name FROM officers WHERE officer_id = ?').get(officerId) as { name: string } | undefined;
    return row?.name ?? null;
  }

  /**
   * Checks a PIN. An unknown officer costs the same scrypt as a known one and answers
   * the same `invalid_pin`, so the console does not reveal who exists (the per-address
   * throttle in hub/http bounds those guesses).
   */
  async check(officerId: string, pin: string): Promise<PinCheck> {
    const now = this.#clock.now();
    const reserved = this.#reserve.get({ officerId, now, max: this.#rule.maxFailures, lockoutMs: this.#rule.lockoutMs }) as Reserved | undefined;
    if (!reserved) {
      const locked = this.#db.prepare('SELECT locked_until FROM officers WHERE officer_id = ? AND disabled_at IS NULL AND locked_until > ?').get(officerId, now) as { locked_until: number } | undefined;
      if (locked) return { ok: false, reason: 'login_locked', untilMs: locked.locked_until, hashed: false };
    }
    this.#hashesChecked++;
    const matches = await secretMatchesHash(pin, reserved ? { salt: reserved.pin_salt, hash: reserved.pin_hash } : null);
    if (reserved && matches) {
      this.#db.prepare('UPDATE officers SET failures = 0, locked_until = NULL WHERE officer_id = ?').run(officerId);
      return { ok: true, officerId, name: reserved.name };
    }
    if (reserved?.locked_until) return { ok: false, reason: 'login_locked', untilMs: reserved.locked_until, hashed: true };
    return { ok: false, reason: 'invalid_pin', hashed: true };
  }
}
