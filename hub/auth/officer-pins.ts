import { randomBytes, randomInt, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Database } from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import { HubError } from '../errors.ts';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number }) => Promise<Buffer>;

/**
 * A 4–8 digit PIN has at most 10^8 values, so it is stored as a salted scrypt hash
 * (N = 2^14: ~40 ms per check on the hub) and guessing is stopped by lock-out, not by
 * the hash alone: after MAX_FAILURES wrong PINs in a row the officer is locked out for
 * LOCKOUT_MS (a supervisor can reset the PIN with `huduma-hub officer add --force`).
 */
const SCRYPT = { N: 2 ** 14, r: 8, p: 1 };
const HASH_BYTES = 32;
export const MAX_FAILURES = 5;
export const LOCKOUT_MS = 5 * 60_000;

export type PinCheck = { ok: true; officerId: string; name: string } | { ok: false; reason: 'invalid_pin' } | { ok: false; reason: 'login_locked'; untilMs: number };

interface OfficerRow {
  officer_id: string;
  name: string;
  pin_salt: Buffer;
  pin_hash: Buffer;
  failures: number;
  locked_until: number | null;
}

export class OfficerPins {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Adds an officer (or, with `replace`, sets a new PIN and clears a lock-out); returns the PIN, generated when not given. */
  async add(officerId: string, name: string, pin: string | undefined, replace = false): Promise<{ officerId: string; name: string; pin: string }> {
    const chosen = pin ?? String(randomInt(0, 1_000_000)).padStart(6, '0');
    if (!/^\d{4,8}$/.test(chosen)) throw new HubError('usage', '--pin must be 4 to 8 digits');
    const salt = randomBytes(16);
    const hash = await scrypt(chosen, salt, HASH_BYTES, SCRYPT);
    const now = this.#clock.now();
    const sql = replace
      ? `INSERT INTO officers (officer_id, name, pin_salt, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (officer_id) DO UPDATE SET name = excluded.name, pin_salt = excluded.pin_salt, pin_hash = excluded.pin_hash, failures = 0, locked_until = NULL, disabled_at = NULL`
      : 'INSERT INTO officers (officer_id, name, pin_salt, pin_hash, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (officer_id) DO NOTHING';
    const changes = this.#db.prepare(sql).run(officerId, name, salt, hash, now).changes;
    if (changes === 0) throw new HubError('officer_exists', `officer "${officerId}" exists already; add --force to give a new PIN`);
    return { officerId, name, pin: chosen };
  }

  list(): Array<{ officerId: string; name: string; locked: boolean }> {
    const now = this.#clock.now();
    return (this.#db.prepare('SELECT officer_id, name, locked_until FROM officers WHERE disabled_at IS NULL ORDER BY officer_id').all() as OfficerRow[]).map((row) => ({
      officerId: row.officer_id,
      name: row.name,
      locked: row.locked_until !== null && row.locked_until > now,
    }));
  }

  /**
   * Checks a PIN. An unknown officer costs the same scrypt as a known one and answers
   * the same `invalid_pin`, so the console does not reveal who exists.
   */
  async check(officerId: string, pin: string): Promise<PinCheck> {
    const row = this.#db.prepare('SELECT * FROM officers WHERE officer_id = ? AND disabled_at IS NULL').get(officerId) as OfficerRow | undefined;
    const now = this.#clock.now();
    if (row?.locked_until && row.locked_until > now) return { ok: false, reason: 'login_locked', untilMs: row.locked_until };
    const presented = await scrypt(pin, row?.pin_salt ?? randomBytes(16), HASH_BYTES, SCRYPT);
    if (row && timingSafeEqual(presented, row.pin_hash)) {
      this.#db.prepare('UPDATE officers SET failures = 0, locked_until = NULL WHERE officer_id = ?').run(officerId);
      return { ok: true, officerId: row.officer_id, name: row.name };
    }
    if (!row) return { ok: false, reason: 'invalid_pin' };
    const failures = row.failures + 1;
    const lockedUntil = failures >= MAX_FAILURES ? now + LOCKOUT_MS : null;
    this.#db.prepare('UPDATE officers SET failures = ?, locked_until = ? WHERE officer_id = ?').run(lockedUntil ? 0 : failures, lockedUntil, officerId);
    return lockedUntil ? { ok: false, reason: 'login_locked', untilMs: lockedUntil } : { ok: false, reason: 'invalid_pin' };
  }
}
