import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from '../../runtime/clock.ts';
import { digestSecret, generateSecret } from '../devices/credentials.ts';
import { HubError } from '../errors.ts';

export const Role = z.enum(['kiosk', 'officer', 'technician', 'manager']);
export type Role = z.infer<typeof Role>;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * How long a token from `token create` lives unless `--ttl` says otherwise
 * (docs/security.md, "token lifetimes"): a kiosk is set up once and left alone for a
 * year; staff and officer tokens are for a shift.
 */
export const DEFAULT_TTL_MS: Record<Role, number> = { kiosk: 365 * DAY_MS, officer: 12 * HOUR_MS, technician: 12 * HOUR_MS, manager: 12 * HOUR_MS };
/** The longest `--ttl` accepted: even a kiosk token is renewed within two years. */
export const MAX_TTL_MS = 730 * DAY_MS;

export interface TokenGrant {
  role: Role;
  /** Officers are bound to one counter. */
  counterId: string | null;
  /** Set for a token made by an officer's PIN login. */
  officerId?: string | null;
  /** Set for a token made by a staff login (technician or manager). */
  staffName?: string | null;
  /** The short id `token list` shows (set by `verify`). */
  id?: string;
}

/** Who acted, as the audit trail names them. */
export interface Actor {
  actor: string;
}

/** Who the audit trail says acted with this grant: the staff member, the officer, or the token's id (never the token). */
export function actorOf(grant: TokenGrant): string {
  return grant.staffName ?? grant.officerId ?? `token:${grant.id ?? 'unknown'}`;
}

export interface IssuedToken extends TokenGrant {
  token: string;
  /** The short id `token list` shows and `token revoke` takes (never the token). */
  id: string;
  expiresAt: string;
}

export interface TokenListing {
  id: string;
  role: Role;
  counterId: string | null;
  officerId: string | null;
  createdAt: string;
  expiresAt: string | null;
  revoked: boolean;
  expired: boolean;
}

/** 12 hex digits of the token's SHA-256: names a token in `token list` without revealing it. */
const ID_HEX = 12;
export const isTokenId = (value: string): boolean => new RegExp(`^[0-9a-f]{${ID_HEX}}$`).test(value);

/**
 * Bearer tokens for the HTTP API. Like device secrets they are random 256-bit
 * strings, stored as SHA-256 digests and looked up by digest (no timing side channel
 * on the comparison: the index lookup is on the digest, not the token). Every token
 * expires; the hub reads the table on each request, so `token revoke` from the CLI
 * takes effect at the next request.
 */
export class AccessTokens {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** `officerId` marks an officer's PIN-login session; `ttlMs` defaults by role (DEFAULT_TTL_MS). */
  create(role: Role, counterId: string | null, validCounters: ReadonlySet<string>, options: { ttlMs?: number; officerId?: string; staffName?: string } = {}): IssuedToken {
    if (role === 'officer' && !counterId) {
      throw new HubError('usage', 'an officer token is bound to one counter: add --counter COUNTER_ID');
    }
    if (role === 'kiosk' && counterId !== null) {
      // A kiosk issues tickets for every service of the centre; a counter on its token would mean nothing.
      throw new HubError('usage', 'a kiosk token is for the whole centre, not one counter: drop --counter');
    }
    if (counterId !== null && !validCounters.has(counterId)) {
      throw new HubError('counter_unknown', `unknown counter "${counterId}"; this centre has: ${[...validCounters].sort().join(', ')}`);
    }
    const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS[role];
    if (!(ttlMs > 0 && ttlMs <= MAX_TTL_MS)) throw new HubError('usage', `a token lives from 1 minute to ${MAX_TTL_MS / DAY_MS} days (--ttl 12h, 30d, 90m)`);
    const token = generateSecret();
    const digest = digestSecret(token);
    const now = this.#clock.now();
    this.#db
      .prepare('INSERT INTO access_tokens (token_sha256, role, counter_id, created_at, expires_at, officer_id, staff_name) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(digest, role, counterId, now, now + ttlMs, options.officerId ?? null, options.staffName ?? null);
    return { token, id: idOf(digest), role, counterId, officerId: options.officerId ?? null, ...(options.staffName !== undefined && { staffName: options.staffName }), expiresAt: new Date(now + ttlMs).toISOString() };
  }

  verify(token: string): TokenGrant | null {
    const digest = digestSecret(token);
    const row = this.#db
      .prepare('SELECT role, counter_id AS counterId, officer_id AS officerId, staff_name AS staffName FROM access_tokens WHERE token_sha256 = ? AND revoked_at IS NULL AND expires_at > ?')
      .get(digest, this.#clock.now()) as TokenGrant | undefined;
    return row ? { ...row, id: idOf(digest) } : null;
  }

  /** Ends every session of a staff member (they were removed). Returns how many ended. */
  revokeStaff(staffName: string): number {
    return this.#db.prepare('UPDATE access_tokens SET revoked_at = ? WHERE staff_name = ? AND revoked_at IS NULL').run(this.#clock.now(), staffName).changes;
  }

  /** Revokes by the token itself or by its id from `token list`. */
  revoke(tokenOrId: string): boolean {
    const now = this.#clock.now();
    const result = isTokenId(tokenOrId)
      ? this.#db.prepare('UPDATE access_tokens SET revoked_at = ? WHERE substr(lower(hex(token_sha256)), 1, ?) = ? AND revoked_at IS NULL').run(now, ID_HEX, tokenOrId)
      : this.#db.prepare('UPDATE access_tokens SET revoked_at = ? WHERE token_sha256 = ? AND revoked_at IS NULL').run(now, digestSecret(tokenOrId));
    return result.changes > 0;
  }

  /** Active tokens (or, with `all`, also expired and revoked ones), newest first. */
  list(options: { all?: boolean } = {}): TokenListing[] {
    const now = this.#clock.now();
    const rows = this.#db
      .prepare(`SELECT token_sha256 AS digest, role, counter_id AS counterId, officer_id AS officerId, created_at AS createdAt, expires_at AS expiresAt, revoked_at AS revokedAt
        FROM access_tokens WHERE @all OR (revoked_at IS NULL AND expires_at > @now) ORDER BY created_at DESC`)
      .all({ all: options.all ? 1 : 0, now }) as Array<{ digest: Buffer; role: Role; counterId: string | null; officerId: string | null; createdAt: number; expiresAt: number | null; revokedAt: number | null }>;
    return rows.map((row) => ({
      id: idOf(row.digest),
      role: row.role,
      counterId: row.counterId,
      officerId: row.officerId,
      createdAt: new Date(row.createdAt).toISOString(),
      expiresAt: row.expiresAt === null ? null : new Date(row.expiresAt).toISOString(),
      revoked: row.revokedAt !== null,
      expired: row.expiresAt === null || row.expiresAt <= now,
    }));
  }
}

function idOf(digest: Buffer): string {
  return digest.toString('hex').slice(0, ID_HEX);
}
