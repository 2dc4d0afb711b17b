import type { Database } from 'better-sqlite3';
import type { Clock } from '../../runtime/clock.ts';
import type { AccessTokens, IssuedToken } from './access-tokens.ts';

export interface CounterHolder {
  officerId: string;
  /** The officer's display name (what the console shows); the id when the officer was removed. */
  name: string;
  expiresAt: string;
}

export type SignIn = { ok: true; issued: IssuedToken } | { ok: false; holder: CounterHolder };

/**
 * Officer sessions at counters: the officer tokens a PIN login makes. The counter
 * sign-in rule (docs/queue.md, "Signing in at a counter"): a counter where another
 * officer has an active session refuses a second officer until that session ends:
 * the holder signs out, the session expires (queue.officerSessionHours), or a manager
 * releases the counter. The same officer may sign in again (a new tab, a reload).
 */
export class OfficerSessions {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #tokens: AccessTokens;

  constructor(options: { db: Database; clock: Clock; tokens: AccessTokens }) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#tokens = options.tokens;
  }

  /** Another officer with an active session at `counterId`, if any. */
  holder(counterId: string, except: string | null = null): CounterHolder | null {
    const row = this.#db
      .prepare(`SELECT t.officer_id AS officerId, coalesce(o.name, t.officer_id) AS name, MAX(t.expires_at) AS expiresAt
        FROM access_tokens t LEFT JOIN officers o ON o.officer_id = t.officer_id
        WHERE t.counter_id = @counterId AND t.officer_id IS NOT NULL AND t.revoked_at IS NULL AND t.expires_at > @now AND t.officer_id IS NOT @except
        GROUP BY t.officer_id ORDER BY expiresAt DESC LIMIT 1`)
      .get({ counterId, now: this.#clock.now(), except }) as { officerId: string; name: string; expiresAt: number } | undefined;
    return row ? { officerId: row.officerId, name: row.name, expiresAt: new Date(row.expiresAt).toISOString() } : null;
  }

  /** Checks the rule and makes the session in one transaction, so two officers racing for a free counter cannot both get it. */
  signIn(officerId: string, counterId: string, validCounters: ReadonlySet<string>, ttlMs: number): SignIn {
    return this.#db.transaction((): SignIn => {
      const holder = this.holder(counterId, officerId);
      if (holder) return { ok: false, holder };
      return { ok: true, issued: this.#tokens.create('officer', counterId, validCounters, { ttlMs, officerId }) };
    }).immediate();
  }

  /**
   * Sign out at the console: every session of this officer at this counter ends (a
   * second tab included), so the counter is free for the next officer. A CLI officer
   * token (no officer) ends only itself.
   */
  signOut(token: string, grant: { counterId: string | null; officerId?: string | null }): number {
    if (!grant.officerId || !grant.counterId) return this.#tokens.revoke(token) ? 1 : 0;
    return this.#db
      .prepare('UPDATE access_tokens SET revoked_at = @now WHERE counter_id = @counterId AND officer_id = @officerId AND revoked_at IS NULL AND expires_at > @now')
      .run({ counterId: grant.counterId, officerId: grant.officerId, now: this.#clock.now() }).changes;
  }

  /** A manager frees a counter: every officer session there ends. Returns how many did. */
  release(counterId: string): number {
    return this.#db
      .prepare('UPDATE access_tokens SET revoked_at = @now WHERE counter_id = @counterId AND officer_id IS NOT NULL AND revoked_at IS NULL AND expires_at > @now')
      .run({ counterId, now: this.#clock.now() }).changes;
  }
}
