import type { Database, Statement } from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from '../../runtime/clock.ts';
import { HubError } from '../errors.ts';
import { generateReadablePassword, hashSecret, secretMatchesHash } from './password-hash.ts';

export const StaffRole = z.enum(['technician', 'manager']);
export type StaffRole = z.infer<typeof StaffRole>;

/** A staff name: what they type at the login form; lower-case so "Amina" and "amina" are one person. */
export const StaffName = z.string().regex(/^[a-z][a-z0-9._-]{1,31}$/, 'a staff name is 2–32 lower-case letters, digits, dots, dashes or underscores, starting with a letter');

/**
 * The lock-out (docs/security.md, "Staff login"): `maxFailures` wrong passwords for one
 * name within `windowMs` lock the name for `lockoutMs`, the right password included.
 */
export interface StaffLockoutRule {
  maxFailures: number;
  windowMs: number;
  lockoutMs: number;
}

export const STAFF_LOCKOUT: StaffLockoutRule = { maxFailures: 5, windowMs: 15 * 60_000, lockoutMs: 15 * 60_000 };

export type StaffCheck =
  | { ok: true; name: string; role: StaffRole }
  | { ok: false; reason: 'invalid_login' }
  | { ok: false; reason: 'login_locked'; untilMs: number; hashed: boolean };

interface Reserved {
  role: StaffRole;
  password_salt: Buffer;
  password_hash: Buffer;
  locked_until: number | null;
}

/**
 * Technicians and managers: accounts made on the hub box with `huduma-hub staff add`,
 * the password generated and shown once, stored only as a scrypt hash.
 */
export class StaffAccounts {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #rule: StaffLockoutRule;
  readonly #reserve: Statement;

  constructor(db: Database, clock: Clock, rule: StaffLockoutRule = STAFF_LOCKOUT) {
    this.#db = db;
    this.#clock = clock;
    this.#rule = rule;
    // The attempt takes its place BEFORE the slow hash, in one statement, so parallel
    // guesses cannot buy more than `maxFailures` hashes per window (as for officer PINs).
    // A window that ran out, or a lock-out that ran out, starts a new window.
    this.#reserve = db.prepare(`UPDATE staff SET
        failures = CASE WHEN locked_until IS NOT NULL OR window_started_at IS NULL OR window_started_at + @windowMs <= @now THEN 1 ELSE failures + 1 END,
        window_started_at = CASE WHEN locked_until IS NOT NULL OR window_started_at IS NULL OR window_started_at + @windowMs <= @now THEN @now ELSE window_started_at END,
        locked_until = CASE WHEN (CASE WHEN locked_until IS NOT NULL OR window_started_at IS NULL OR window_started_at + @windowMs <= @now THEN 1 ELSE failures + 1 END) >= @max
          THEN @now + @lockoutMs ELSE NULL END
      WHERE name = @name AND (locked_until IS NULL OR locked_until <= @now)
      RETURNING role, password_salt, password_hash, locked_until`);
  }

  /** Adds a member with a generated password, returned once; an existing name is refused unless `replace` (a new password, lock-out cleared). */
  async add(name: string, role: StaffRole, replace = false): Promise<{ name: string; role: StaffRole; password: string }> {
    const parsedName = StaffName.safeParse(name);
    if (!parsedName.success) throw new HubError('usage', `staff name "${name}": ${parsedName.error.issues[0]?.message ?? 'invalid'}`);
    const password = generateReadablePassword();
    const { salt, hash } = await hashSecret(password);
    const sql = replace
      ? `INSERT INTO staff (name, role, password_salt, password_hash, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_salt = excluded.password_salt, password_hash = excluded.password_hash,
           failures = 0, window_started_at = NULL, locked_until = NULL`
      : 'INSERT INTO staff (name, role, password_salt, password_hash, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING';
    if (this.#db.prepare(sql).run(name, role, salt, hash, this.#clock.now()).changes === 0) {
      throw new HubError('staff_exists', `staff member "${name}" exists already; add --force to give a new password (their sessions end)`);
    }
    return { name, role, password };
  }

  /** Removes a member; the caller ends their sessions (AccessTokens.revokeStaff). */
  remove(name: string): void {
    if (this.#db.prepare('DELETE FROM staff WHERE name = ?').run(name).changes === 0) {
      throw new HubError('staff_unknown', `no staff member "${name}" (see huduma-hub staff list)`);
    }
  }

  /** Whether `name` is a member (the audit trail records a failed login's name only then: a mistyped field may hold a password). */
  exists(name: string): boolean {
    return this.#db.prepare('SELECT 1 FROM staff WHERE name = ?').get(name) !== undefined;
  }

  list(): Array<{ name: string; role: StaffRole; locked: boolean; createdAt: string }> {
    const now = this.#clock.now();
    const rows = this.#db.prepare('SELECT name, role, locked_until, created_at FROM staff ORDER BY name').all() as Array<{ name: string; role: StaffRole; locked_until: number | null; created_at: number }>;
    return rows.map((row) => ({ name: row.name, role: row.role, locked: row.locked_until !== null && row.locked_until > now, createdAt: new Date(row.created_at).toISOString() }));
  }

  /**
   * Checks a login. An unknown name costs the same scrypt as a known one and gets the
   * same `invalid_login`, so the form does not say who exists.
   */
  async check(name: string, password: string): Promise<StaffCheck> {
    const now = this.#clock.now();
    const reserved = this.#reserve.get({ name, now, max: this.#rule.maxFailures, windowMs: this.#rule.windowMs, lockoutMs: this.#rule.lockoutMs }) as Reserved | undefined;
    if (!reserved) {
      const locked = this.#db.prepare('SELECT locked_until FROM staff WHERE name = ? AND locked_until > ?').get(name, now) as { locked_until: number } | undefined;
      if (locked) return { ok: false, reason: 'login_locked', untilMs: locked.locked_until, hashed: false };
    }
    const matches = await secretMatchesHash(password, reserved ? { salt: reserved.password_salt, hash: reserved.password_hash } : null);
    if (reserved && matches) {
      this.#db.prepare('UPDATE staff SET failures = 0, window_started_at = NULL, locked_until = NULL WHERE name = ?').run(name);
      return { ok: true, name, role: reserved.role };
    }
    if (reserved?.locked_until) return { ok: false, reason: 'login_locked', untilMs: reserved.locked_until, hashed: true };
    return { ok: false, reason: 'invalid_login' };
  }
}
