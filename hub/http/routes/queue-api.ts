import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AddAppointmentsRequest, CheckInRequest, IssueTicketRequest, type QueueErrorCode } from '../../../protocol/queue/api.ts';
import type { Strings } from '../../../protocol/wording/overrides.ts';
import type { AccessTokens, TokenGrant } from '../../auth/access-tokens.ts';
import type { QueueResult } from '../../queue/commands.ts';
import { PrinterUnavailableError, type IssueCommand, type IssueTicket } from '../../queue/issue-ticket.ts';
import type { QueueService } from '../../queue/queue-service.ts';
import { requireRole } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { parseBody } from '../validation.ts';

export interface QueueApiDeps {
  tokens: AccessTokens;
  queue: QueueService;
  /** The kiosk's use case: printer asked first, number allocated, ticket printed. */
  issue: IssueTicket;
  /** The centre's wording: what the kiosk shows when the printer fails. */
  strings: Strings;
  /** http.limits.appointmentsBodyBytes: the one route whose body may be large. */
  appointmentsBodyBytes: number;
}

const STATUS_OF: Record<QueueErrorCode, number> = {
  unknown_service: 404,
  unknown_counter: 404,
  unknown_appointment: 404,
  service_suspended: 409,
  service_closed: 409,
  service_capped: 409,
  counter_not_open: 409,
  counter_busy: 409,
  no_current_ticket: 409,
  recall_limit: 409,
  not_enough_calls: 409,
  same_service: 409,
  appointment_used: 409,
  appointment_expired: 409,
  appointment_too_early: 409,
  printer_unavailable: 503,
  invalid_pin: 401,
  login_locked: 429,
  counter_taken: 409,
  too_many_attempts: 429,
  no_print_job: 409,
};

/** A refused command as the API error it is: the engine's code, message and the citizen's words. */
export function refusal(result: Extract<QueueResult, { ok: false }>): ApiError {
  return new ApiError(STATUS_OF[result.code] ?? 409, result.code, result.message, result.messages);
}

export type GrantedRequest = FastifyRequest & { grant?: TokenGrant };

/**
 * The kiosk's side of the queue API (process contract): the service menu, the counters,
 * a ticket, an appointment check-in; and the manager's appointment upload. The public
 * lists show no officer ids (docs/security.md). Kiosk-token requests are not
 * rate-limited (process contract).
 */
export function queueApiRoutes(app: FastifyInstance, deps: QueueApiDeps): void {
  const { queue, strings } = deps;

  app.get('/api/services', async () => ({ services: queue.reader.services(queue.now()) }));
  app.get('/api/counters', async () => ({ counters: queue.reader.counters() }));

  /**
   * Issues through the queue's use case (hub/queue/issue-ticket.ts): no number while the
   * printer cannot print (503 `printer_unavailable`); a print that fails after the number
   * was allocated keeps the number: the citizen sees it on screen, the ticket is
   * reprinted when the printer is back, and the answer says `printed: false`.
   */
  const issue = async (command: IssueCommand) => {
    let issued;
    try {
      issued = await deps.issue.issue(command);
    } catch (error) {
      if (error instanceof PrinterUnavailableError) throw new ApiError(503, 'printer_unavailable', error.message, strings.printerOut);
      throw error;
    }
    if (!issued.result.ok) throw refusal(issued.result);
    return { ticket: issued.result.ticket!, printed: issued.printed, ...(issued.printed ? {} : { messages: strings.ticketNotPrinted }) };
  };

  app.post('/api/tickets', { onRequest: requireRole(deps.tokens, 'kiosk', 'manager') }, async (request, reply) => {
    const body = parseBody(IssueTicketRequest, request.body);
    reply.status(201);
    return issue({ kind: 'issue', serviceId: body.serviceId, category: body.category, language: body.language });
  });

  app.post('/api/appointments/check-in', { onRequest: requireRole(deps.tokens, 'kiosk', 'manager') }, async (request, reply) => {
    const body = parseBody(CheckInRequest, request.body);
    reply.status(201);
    return issue({ kind: 'check_in', reference: body.reference, language: body.language });
  });

  app.post('/api/appointments', { onRequest: requireRole(deps.tokens, 'manager', 'technician'), bodyLimit: deps.appointmentsBodyBytes }, async (request) => {
    const body = parseBody(AddAppointmentsRequest, request.body);
    const appointments = body.appointments.map((a) => ({ reference: a.reference, serviceId: a.serviceId, atMs: Date.parse(a.at), name: a.name ?? null }));
    const result = await queue.run({ kind: 'add_appointments', appointments });
    if (!result.ok) throw refusal(result);
    return { added: result.added ?? 0 };
  });

  app.get('/api/tickets/:ticketId', { onRequest: requireRole(deps.tokens, 'kiosk', 'officer', 'technician', 'manager') }, async (request) => {
    const ticket = queue.reader.ticket((request.params as { ticketId: string }).ticketId);
    if (!ticket) throw new ApiError(404, 'unknown_ticket', 'no such ticket');
    return { ticket };
  });

  app.get('/api/queue/accuracy', { onRequest: requireRole(deps.tokens, 'technician', 'manager') }, async (request) => {
    const day = (request.query as { day?: string }).day ?? queue.now().day;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new ApiError(400, 'invalid_query', 'day must be YYYY-MM-DD');
    return { day, ...queue.reader.accuracy(day) };
  });
}
