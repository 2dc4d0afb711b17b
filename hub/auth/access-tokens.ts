import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { digestSecret, generateSecret } from '../devices/credentials.ts';
import { HubError } from '../errors.ts';

export const Role = z.enum(['kiosk', 'officer', 'technician', 'manager']);
export type Role = z.infer<typeof Role>;

export interface TokenGrant {
  role: Role;
  /** Officers are bound to one counter. */
  counterId: string | null;
  /** Set for a token made by an officer's PIN login. */
  officerId?: string | null;
}

/**
 * Bearer tokens for the HTTP API. Like device secrets they are random 256-bit
 * strings, stored as SHA-256 digests and looked up by digest (no timing side channel
 * on the comparison: the index lookup is on the digest, not the token).
 */
export class AccessTokens {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** `session` makes an expiring token for a logged-in officer (PIN login); CLI tokens never expire. */
  create(role: Role, counterId: string | null, validCounters: ReadonlySet<string>, session?: { officerId: string; expiresAt: number }): { token: string } & TokenGrant {
    if (role === 'officer' && !counterId) {
      throw new HubError('usage', 'an officer token is bound to one counter: add --counter COUNTER_ID');
    }
    if (counterId !== null && !validCounters.has(counterId)) {
      throw new HubError('counter_unknown', `unknown counter "${counterId}"; this centre has: ${[...validCounters].sort().join(', ')}`);
    }
    const token = generateSecret();
    this.#db
      .prepare('INSERT INTO access_tokens (token_sha256, role, counter_id, created_at, expires_at, officer_id) VALUES (?, ?, ?, ?, ?, ?)')
      .run(digestSecret(token), role, counterId, this.#clock.now(), session?.expiresAt ?? null, session?.officerId ?? null);
    return { token, role, counterId, officerId: session?.officerId ?? null };
  }

  verify(token: string): TokenGrant | null {
    const row = this.#db
      .prepare('SELECT role, counter_id AS counterId, officer_id AS officerId FROM access_tokens WHERE token_sha256 = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)')
      .get(digestSecret(token), this.#clock.now()) as TokenGrant | undefined;
    return row ?? null;
  }

  revoke(token: string): boolean {
    const result = this.#db
      .prepare('UPDATE access_tokens SET revoked_at = ? WHERE token_sha256 = ? AND revoked_at IS NULL')
      .run(this.#clock.now(), digestSecret(token));
    return result.changes > 0;
  }
}
