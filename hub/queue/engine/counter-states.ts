import type { Statement } from 'better-sqlite3';
import type { QueueCommand, QueueResult, QueueTime } from '../commands.ts';
import type { QueueContext } from './queue-rules.ts';
import { refuse, type QueueRefusal } from './queue-errors.ts';
import type { CounterStatus } from './queue-queries.ts';
import { configBasis } from './service-availability.ts';
import { ticketView } from './ticket-rows.ts';

type OpenCommand = Extract<QueueCommand, { kind: 'open_counter' }>;
type PauseCommand = Extract<QueueCommand, { kind: 'pause_counter' }>;
type CloseCommand = Extract<QueueCommand, { kind: 'close_counter' }>;
type SuspendCommand = Extract<QueueCommand, { kind: 'suspend_service' }>;
type ResumeCommand = Extract<QueueCommand, { kind: 'resume_service' }>;

export function unknownCounter(counterId: string): QueueRefusal {
  return refuse('unknown_counter', `There is no counter "${counterId}" in this centre's config.`);
}

/**
 * Counters opening, pausing and closing, and services being suspended and resumed.
 * An event is written only when something changed, so repeating a command (a double
 * tap, a retried request) is harmless and adds nothing to the outbox.
 */
export class CounterStates {
  readonly #ctx: QueueContext;
  readonly #saveCounter: Statement;
  readonly #saveService: Statement;

  constructor(ctx: QueueContext) {
    this.#ctx = ctx;
    this.#saveCounter = ctx.db.prepare(`INSERT INTO counter_state (counter_id, state, pause_reason, officer_id, current_ticket_id, priority_run, changed_at)
      VALUES (@counterId, @state, @pauseReason, @officerId, @currentTicketId, @priorityRun, @atMs)
      ON CONFLICT (counter_id) DO UPDATE SET state = excluded.state, pause_reason = excluded.pause_reason, officer_id = excluded.officer_id,
        current_ticket_id = excluded.current_ticket_id, priority_run = excluded.priority_run, changed_at = excluded.changed_at`);
    this.#saveService = ctx.db.prepare(`INSERT INTO service_state (service_id, suspended, message_en, message_sw, config_basis, changed_at)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (service_id) DO UPDATE SET suspended = excluded.suspended, message_en = excluded.message_en, message_sw = excluded.message_sw,
        config_basis = excluded.config_basis, changed_at = excluded.changed_at`);
  }

  /** Stores a counter's whole state (the calls module uses it for current ticket and priority run). */
  save(status: CounterStatus, atMs: number): void {
    this.#saveCounter.run({ ...status, atMs });
  }

  /** Opening an open counter with another officer is a change (a shift handover) and is recorded. */
  open(command: OpenCommand, time: QueueTime): QueueResult {
    if (!this.#ctx.rules.counter(command.counterId)) return unknownCounter(command.counterId);
    const status = this.#ctx.queries.counter(command.counterId);
    const current = status.currentTicketId ? this.#ctx.queries.ticket(status.currentTicketId) : null;
    const result: QueueResult = { ok: true, ticket: current ? ticketView(current) : null };
    if (status.state === 'open' && status.officerId === command.officerId) return result;
    this.save({ ...status, state: 'open', pauseReason: null, officerId: command.officerId }, time.atMs);
    this.#ctx.outbox.append({ type: 'counter.opened', data: { counterId: command.counterId, officerId: command.officerId } }, time.atMs);
    return result;
  }

  /** A new reason for a paused counter is recorded too: the manager reports break down pauses by reason. */
  pause(command: PauseCommand, time: QueueTime): QueueResult {
    const status = this.#idleCounter(command.counterId, 'paused');
    if ('ok' in status) return status;
    if (status.state === 'paused' && status.pauseReason === command.reason) return { ok: true, ticket: null };
    this.save({ ...status, state: 'paused', pauseReason: command.reason }, time.atMs);
    this.#ctx.outbox.append({ type: 'counter.paused', data: { counterId: command.counterId, reason: command.reason } }, time.atMs);
    return { ok: true, ticket: null };
  }

  /** The officer leaves with the counter's closing. */
  close(command: CloseCommand, time: QueueTime): QueueResult {
    const status = this.#idleCounter(command.counterId, 'closed');
    if ('ok' in status) return status;
    if (status.state === 'closed') return { ok: true, ticket: null };
    this.save({ ...status, state: 'closed', pauseReason: null, officerId: null }, time.atMs);
    this.#ctx.outbox.append({ type: 'counter.closed', data: { counterId: command.counterId } }, time.atMs);
    return { ok: true, ticket: null };
  }

  /** Suspending a suspended service with a new message updates the kiosk's message (and says so). */
  suspend(command: SuspendCommand, time: QueueTime): QueueResult {
    const service = this.#ctx.rules.service(command.serviceId);
    if (!service) return refuse('unknown_service', `There is no service "${command.serviceId}" in this centre's config.`);
    const now = this.#ctx.queries.suspension(service);
    if (now && now.en === command.message.en && now.sw === command.message.sw) return { ok: true, ticket: null };
    this.#saveService.run(service.id, 1, command.message.en, command.message.sw, configBasis(service), time.atMs);
    this.#ctx.outbox.append({ type: 'service.suspended', data: { serviceId: service.id, message: command.message } }, time.atMs);
    return { ok: true, ticket: null };
  }

  /** Lifts a commanded suspension or one the config started with. */
  resume(command: ResumeCommand, time: QueueTime): QueueResult {
    const service = this.#ctx.rules.service(command.serviceId);
    if (!service) return refuse('unknown_service', `There is no service "${command.serviceId}" in this centre's config.`);
    if (!this.#ctx.queries.suspension(service)) return { ok: true, ticket: null };
    this.#saveService.run(service.id, 0, null, null, configBasis(service), time.atMs);
    this.#ctx.outbox.append({ type: 'service.resumed', data: { serviceId: service.id } }, time.atMs);
    return { ok: true, ticket: null };
  }

  /** The counter's status, or the refusal: a counter cannot pause or close on a citizen. */
  #idleCounter(counterId: string, to: 'paused' | 'closed'): CounterStatus | QueueRefusal {
    if (!this.#ctx.rules.counter(counterId)) return unknownCounter(counterId);
    const status = this.#ctx.queries.counter(counterId);
    if (status.currentTicketId !== null) {
      const number = this.#ctx.queries.ticket(status.currentTicketId)?.number ?? status.currentTicketId;
      const verb = to === 'paused' ? 'paused' : 'closed';
      return refuse('counter_busy', `Counter ${counterId} is still serving ticket ${number}; finish, transfer or mark it a no-show before the counter is ${verb}.`);
    }
    return status;
  }
}
