import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PauseRequest, SuspendServiceRequest, TransferRequest } from '../../../protocol/queue/api.ts';
import { actorOf, type AccessTokens, type Actor } from '../../auth/access-tokens.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import type { OfficerSessions } from '../../auth/officer-sessions.ts';
import type { LiveConfig } from '../../config/live-config.ts';
import type { QueueCommand } from '../../queue/commands.ts';
import type { QueueService } from '../../queue/queue-service.ts';
import { requireRole } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { parseBody } from '../validation.ts';
import { refusal, type GrantedRequest } from './queue-api.ts';

export interface CounterApiDeps {
  /** The running centre: a counter added by a live config change is served at once (docs/live-config.md). */
  live: LiveConfig;
  tokens: AccessTokens;
  sessions: OfficerSessions;
  queue: QueueService;
  audit: AuditLog;
}

type CounterParams = { counterId: string };

/**
 * The counter console's buttons (PIN login is officer-login.ts). An officer token acts
 * only for its own counter (process contract); a manager token for any. Tokens are
 * checked at onRequest, before the body is read (docs/security.md).
 */
export function counterApiRoutes(app: FastifyInstance, deps: CounterApiDeps): void {
  const { queue, tokens } = deps;
  const counterIds = { has: (id: string) => deps.live.current.counters.some((c) => c.id === id) };
  const officerOrManager = requireRole(tokens, 'officer', 'manager');
  const actorIn = (request: FastifyRequest): Actor => ({ actor: actorOf((request as GrantedRequest).grant!) });

  const ownCounter = (request: FastifyRequest): { counterId: string; officerId: string | null } => {
    const { counterId } = request.params as CounterParams;
    const grant = (request as GrantedRequest).grant!;
    if (!counterIds.has(counterId)) throw new ApiError(404, 'unknown_counter', `no counter "${counterId}" in this centre`);
    if (grant.role === 'officer' && grant.counterId !== counterId) throw new ApiError(403, 'forbidden', `this officer token is for counter ${grant.counterId}, not ${counterId}`);
    return { counterId, officerId: grant.officerId ?? null };
  };

  /** One console button: the command, then 200 with the ticket it concerns. */
  const button = (path: string, command: (request: FastifyRequest, counter: { counterId: string; officerId: string | null }) => QueueCommand, emptyIsNoContent = false) => {
    app.post(`/api/counters/:counterId/${path}`, { onRequest: officerOrManager }, async (request, reply: FastifyReply) => {
      const result = await queue.run(command(request, ownCounter(request)));
      if (!result.ok) throw refusal(result);
      if (emptyIsNoContent && !result.ticket) return reply.status(204).send();
      const counter = queue.reader.counters().find((c) => c.id === (request.params as CounterParams).counterId) ?? null;
      return { ticket: result.ticket, counter };
    });
  };

  button('call-next', (_r, c) => ({ kind: 'call_next', counterId: c.counterId, officerId: c.officerId }), true);
  button('recall', (_r, c) => ({ kind: 'recall', counterId: c.counterId }));
  button('start', (_r, c) => ({ kind: 'start', counterId: c.counterId }));
  button('finish', (_r, c) => ({ kind: 'finish', counterId: c.counterId }));
  button('no-show', (_r, c) => ({ kind: 'no_show', counterId: c.counterId }));
  button('transfer', (r, c) => {
    const body = parseBody(TransferRequest, r.body);
    return { kind: 'transfer', counterId: c.counterId, toServiceId: body.serviceId, reason: body.reason ?? null };
  });
  button('open', (_r, c) => ({ kind: 'open_counter', counterId: c.counterId, officerId: c.officerId }));
  button('pause', (r, c) => ({ kind: 'pause_counter', counterId: c.counterId, reason: parseBody(PauseRequest, r.body).reason }));
  button('close', (_r, c) => ({ kind: 'close_counter', counterId: c.counterId }));

  app.post('/api/services/:serviceId/suspend', { onRequest: requireRole(tokens, 'manager', 'technician') }, async (request) => {
    const { message } = parseBody(SuspendServiceRequest, request.body);
    const { serviceId } = request.params as { serviceId: string };
    const result = await queue.run({ kind: 'suspend_service', serviceId, message });
    if (!result.ok) throw refusal(result);
    await deps.audit.record(actorIn(request), 'service.suspended', serviceId, { message: message.en.slice(0, 300) });
    return { services: queue.reader.services(queue.now()) };
  });
  app.post('/api/services/:serviceId/resume', { onRequest: requireRole(tokens, 'manager', 'technician') }, async (request) => {
    const { serviceId } = request.params as { serviceId: string };
    const result = await queue.run({ kind: 'resume_service', serviceId });
    if (!result.ok) throw refusal(result);
    await deps.audit.record(actorIn(request), 'service.resumed', serviceId);
    return { services: queue.reader.services(queue.now()) };
  });

  /** The counter sign-in rule's way out (docs/queue.md): a manager ends every officer session at a counter. */
  app.post('/api/counters/:counterId/release', { onRequest: requireRole(tokens, 'manager') }, async (request) => {
    const { counterId } = request.params as CounterParams;
    if (!counterIds.has(counterId)) throw new ApiError(404, 'unknown_counter', `no counter "${counterId}" in this centre`);
    const released = deps.sessions.release(counterId);
    await deps.audit.record(actorIn(request), 'counter.released', counterId, { sessionsEnded: released });
    return { counterId, released };
  });

  app.post('/api/officer/logout', { onRequest: requireRole(tokens, 'officer') }, async (request) => {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')![1]!;
    return { revoked: deps.sessions.signOut(token, (request as GrantedRequest).grant!) > 0 };
  });
}
