import type { FastifyInstance, FastifyRequest } from 'fastify';
import { StaffLoginRequest, type StaffLoginResponse } from '../../../protocol/staff/api.ts';
import type { Clock } from '../../../runtime/clock.ts';
import { actorOf, DEFAULT_TTL_MS, type AccessTokens, type TokenGrant } from '../../auth/access-tokens.ts';
import type { StaffAccounts } from '../../auth/staff-accounts.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import type { HubConfig } from '../../config/schema.ts';
import { requireRole } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { clientAddress } from '../limits/connection-guard.ts';
import type { LoginThrottle } from '../limits/login-throttle.ts';
import { parseBody } from '../validation.ts';

export interface StaffLoginDeps {
  config: HubConfig;
  tokens: AccessTokens;
  staff: StaffAccounts;
  audit: AuditLog;
  throttle: LoginThrottle;
  clock: Clock;
}

const minutes = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));

/**
 * `POST /api/auth/login` and `/api/auth/logout` for technicians and managers
 * (docs/security.md, "Staff login"). The same per-address throttle as the officers'
 * PIN login refuses a busy address before its body is read, so one laptop cannot walk
 * through names; each name has its own lock-out on top. Every attempt is audited
 * (the name as typed, never the password).
 */
export function staffLoginRoutes(app: FastifyInstance, deps: StaffLoginDeps): void {
  const { throttle, audit } = deps;
  const addressOf = (request: FastifyRequest) => clientAddress(request.socket.remoteAddress);
  const tooMany = (retryAfterMs: number) =>
    new ApiError(429, 'too_many_attempts', `too many wrong sign-ins from this address: try again in ${minutes(retryAfterMs)} min`, undefined, { retryAfterS: retryAfterMs / 1000 });

  const onRequest = async (request: FastifyRequest) => {
    const verdict = throttle.check(addressOf(request));
    if (!verdict.ok) throw tooMany(verdict.retryAfterMs);
  };

  app.post('/api/auth/login', { bodyLimit: deps.config.http.limits.loginBodyBytes, onRequest }, async (request): Promise<StaffLoginResponse> => {
    const body = parseBody(StaffLoginRequest, request.body);
    const admission = throttle.reserve(addressOf(request));
    if (!admission.ok) throw tooMany(admission.retryAfterMs);
    let outcome: 'failed' | 'succeeded' | 'not_counted' = 'not_counted';
    try {
      const check = await deps.staff.check(body.name, body.password);
      if (!check.ok) {
        const locked = check.reason === 'login_locked';
        outcome = !locked || check.hashed ? 'failed' : 'not_counted';
        // Audited only when the attempt was counted (it ran the hash): attempts refused
        // by a lock-out cost nothing and are not written, so hammering a locked name
        // cannot fill the outbox. The name only when it is a member's: a name field
        // may hold a password typed in the wrong box.
        if (locked ? check.hashed : true) {
          const known = deps.staff.exists(body.name);
          await audit.record({ actor: 'anonymous' }, 'staff.login_failed', known ? body.name : null, { address: addressOf(request), locked, knownName: known });
        }
        if (locked) {
          const waitMs = check.untilMs - deps.clock.now();
          throw new ApiError(429, 'login_locked', `too many wrong passwords for "${body.name}": try again in ${minutes(waitMs)} min, or have a new password made on the hub (huduma-hub staff add ${body.name} --role … --force)`, undefined, {
            retryAfterS: waitMs / 1000,
          });
        }
        throw new ApiError(401, 'invalid_login', 'name or password is wrong');
      }
      outcome = 'succeeded';
      const issued = deps.tokens.create(check.role, null, new Set<string>(), { ttlMs: DEFAULT_TTL_MS[check.role], staffName: check.name });
      await audit.record({ actor: check.name }, 'staff.login', check.name, { address: addressOf(request) });
      return { token: issued.token, name: check.name, role: check.role, expiresAt: issued.expiresAt };
    } finally {
      admission.attempt.done(outcome);
    }
  });

  app.post('/api/auth/logout', { onRequest: requireRole(deps.tokens, 'technician', 'manager') }, async (request) => {
    const grant = (request as FastifyRequest & { grant: TokenGrant }).grant;
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const ended = deps.tokens.revoke(token);
    await audit.record({ actor: actorOf(grant) }, 'staff.logout', grant.staffName ?? null);
    return { loggedOut: ended };
  });
}
