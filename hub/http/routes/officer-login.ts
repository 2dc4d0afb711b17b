import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OfficerLoginRequest } from '../../../protocol/queue/api.ts';
import type { OfficerPins } from '../../auth/officer-pins.ts';
import type { CounterHolder, OfficerSessions } from '../../auth/officer-sessions.ts';
import type { Clock } from '../../../runtime/clock.ts';
import type { HubConfig } from '../../config/schema.ts';
import type { LiveConfig } from '../../config/live-config.ts';
import { ApiError } from '../errors.ts';
import { clientAddress } from '../limits/connection-guard.ts';
import type { LoginThrottle } from '../limits/login-throttle.ts';
import { parseBody } from '../validation.ts';

export interface OfficerLoginDeps {
  /** Limits, timezone and session length: read at start. */
  config: HubConfig;
  /** The counters: they change with a live config (docs/live-config.md). */
  live: LiveConfig;
  officers: OfficerPins;
  sessions: OfficerSessions;
  throttle: LoginThrottle;
  clock: Clock;
}

const minutes = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));

function throttled(retryAfterMs: number): ApiError {
  return new ApiError(429, 'too_many_attempts', `too many wrong sign-ins from this address: try again in ${minutes(retryAfterMs)} min, or ask a supervisor`, undefined, { retryAfterS: retryAfterMs / 1000 });
}

/**
 * `POST /api/officer/login {counterId, officerId, pin}` (docs/security.md, "officer
 * lock-out"; docs/queue.md, "Signing in at a counter"). Before the body is read, a
 * throttled address is refused; then the address and the officer each give the attempt
 * a place before the PIN is hashed, so concurrency cannot buy extra guesses. A right
 * PIN at a counter another officer holds is refused with 409 `counter_taken`.
 */
export function officerLoginRoutes(app: FastifyInstance, deps: OfficerLoginDeps): void {
  const { config, throttle } = deps;
  const counterLabel = (counterId: string) => deps.live.current.counters.find((c) => c.id === counterId)?.label ?? counterId;
  const addressOf = (request: FastifyRequest) => clientAddress(request.socket.remoteAddress);
  const localTime = new Intl.DateTimeFormat('en-GB', { timeZone: config.centre.timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

  const taken = (counterId: string, holder: CounterHolder): ApiError => {
    const label = counterLabel(counterId);
    const until = localTime.format(new Date(holder.expiresAt));
    return new ApiError(
      409,
      'counter_taken',
      `counter ${counterId} is signed in by ${holder.name} until ${until}: they sign out at the console, or a manager releases the counter (POST /api/counters/${counterId}/release), or the session ends at ${holder.expiresAt}`,
      {
        en: `Counter ${label} is in use by ${holder.name} until ${until}. They must sign out first, or a supervisor can release the counter.`,
        sw: `Kaunta ${label} inatumiwa na ${holder.name} hadi ${until}. Lazima atoke kwanza, au msimamizi anaweza kuiachilia kaunta.`,
      },
    );
  };

  const onRequest = async (request: FastifyRequest) => {
    const verdict = throttle.check(addressOf(request));
    if (!verdict.ok) throw throttled(verdict.retryAfterMs);
  };

  app.post('/api/officer/login', { bodyLimit: config.http.limits.loginBodyBytes, onRequest }, async (request) => {
    const body = parseBody(OfficerLoginRequest, request.body);
    const counterIds = deps.live.counterIds();
    if (!counterIds.has(body.counterId)) throw new ApiError(404, 'unknown_counter', `no counter "${body.counterId}" in this centre`);
    const admission = throttle.reserve(addressOf(request));
    if (!admission.ok) throw throttled(admission.retryAfterMs);
    let outcome: 'failed' | 'succeeded' | 'not_counted' = 'not_counted';
    try {
      const check = await deps.officers.check(body.officerId, body.pin);
      if (!check.ok) {
        outcome = check.hashed ? 'failed' : 'not_counted';
        if (check.reason === 'login_locked') {
          const waitMs = check.untilMs - deps.clock.now();
          throw new ApiError(429, 'login_locked', `too many wrong PINs for this officer: try again in ${minutes(waitMs)} min, or ask a supervisor to unlock (huduma-hub officer unlock ${body.officerId})`, undefined, { retryAfterS: waitMs / 1000 });
        }
        throw new ApiError(401, 'invalid_pin', 'officer id or PIN is wrong');
      }
      outcome = 'succeeded';
      const signIn = deps.sessions.signIn(check.officerId, body.counterId, counterIds, config.queue.officerSessionHours * 3_600_000);
      if (!signIn.ok) throw taken(body.counterId, signIn.holder);
      const { token, expiresAt } = signIn.issued;
      return { token, officerId: check.officerId, name: check.name, counterId: body.counterId, expiresAt };
    } finally {
      admission.attempt.done(outcome);
    }
  });
}
