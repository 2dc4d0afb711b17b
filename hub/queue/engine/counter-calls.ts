import type { Statement } from 'better-sqlite3';
import { PRIORITY_CATEGORIES } from '../../../protocol/queue/ticket.ts';
import type { CounterConfig } from '../../config/schema.ts';
import type { QueueCommand, QueueResult, QueueTime } from '../commands.ts';
import { updateServiceTime } from '../wait-estimate.ts';
import { chooseNextTicket, type CallCandidate } from './call-order.ts';
import { unknownCounter, type CounterStates } from './counter-states.ts';
import type { QueueContext } from './queue-rules.ts';
import { QueueEngineError, refuse, type QueueRefusal } from './queue-errors.ts';
import type { CounterStatus } from './queue-queries.ts';
import { ticketRef, ticketView, type TicketRow } from './ticket-rows.ts';
import { TicketTransitions } from './ticket-transitions.ts';

type CounterCommand = Extract<QueueCommand, { kind: 'call_next' | 'recall' | 'start' | 'finish' | 'no_show' | 'transfer' }>;

const PRIORITY_SQL = PRIORITY_CATEGORIES.map((category) => `'${category}'`).join(', ');
const CANDIDATES = `SELECT rowid AS "order", id, category, arrived_at AS arrivedAt, appointment_at AS appointmentAt FROM tickets
  WHERE day = @day AND status = 'waiting' AND service_id IN (SELECT value FROM json_each(@services))`;

/**
 * What an officer does at a counter: call the next ticket, recall it, start, finish,
 * mark a no-show, transfer. A counter has at most one current ticket (called or being
 * served); the writer applies commands one at a time, so two counters calling at once
 * can never take the same ticket.
 */
export class CounterCalls {
  readonly #ctx: QueueContext;
  readonly #counters: CounterStates;
  readonly #tickets: TicketTransitions;
  /** The head of each call line (call-order.ts): only heads can be called next. */
  readonly #heads: Statement[];

  constructor(ctx: QueueContext, counters: CounterStates) {
    this.#ctx = ctx;
    this.#counters = counters;
    this.#tickets = new TicketTransitions(ctx.db);
    this.#heads = [
      `${CANDIDATES} AND category = 'appointment' AND appointment_at <= @now ORDER BY appointment_at, arrived_at, rowid LIMIT 1`,
      `${CANDIDATES} AND category IN (${PRIORITY_SQL}) ORDER BY arrived_at, rowid LIMIT 1`,
      `${CANDIDATES} AND (category = 'regular' OR (category = 'appointment' AND (appointment_at IS NULL OR appointment_at > @now))) ORDER BY arrived_at, rowid LIMIT 1`,
    ].map((sql) => ctx.db.prepare(sql));
  }

  apply(command: CounterCommand, time: QueueTime): QueueResult {
    const counter = this.#ctx.rules.counter(command.counterId);
    if (!counter) return unknownCounter(command.counterId);
    const status = this.#ctx.queries.counter(counter.id);
    const current = this.#currentTicket(status);
    switch (command.kind) {
      case 'call_next':
        return this.#callNext(counter, status, current, command.officerId, time);
      case 'recall':
        return this.#recall(status, current, time);
      case 'start':
        if (!current) return noCurrentTicket(counter.id, 'to start');
        if (current.status === 'serving') return { ok: true, ticket: ticketView(current) };
        this.#tickets.start(current, time.atMs);
        this.#ctx.outbox.append({ type: 'ticket.started', data: { ...ticketRef(current), counterId: counter.id } }, time.atMs);
        return { ok: true, ticket: ticketView(this.#reload(current)) };
      case 'finish':
        if (!current) return noCurrentTicket(counter.id, 'to finish');
        return { ok: true, ticket: ticketView(this.#finish(status, current, time)) };
      case 'no_show':
        return this.#noShow(status, current, time);
      case 'transfer':
        return this.#transfer(status, current, command.toServiceId, command.reason, time);
    }
  }

  /** A counter still serving a ticket finishes it first (the officer pressed Next). */
  #callNext(counter: CounterConfig, status: CounterStatus, current: TicketRow | null, officerId: string | null, time: QueueTime): QueueResult {
    if (status.state !== 'open') {
      const why = status.state === 'paused' ? `paused (${status.pauseReason ?? 'no reason given'})` : 'closed';
      return refuse('counter_not_open', `Counter ${counter.id} is ${why}; open it before calling the next ticket.`);
    }
    let counterNow = status;
    if (current) {
      this.#finish(status, current, time);
      counterNow = { ...status, currentTicketId: null };
    }
    const params = { day: time.day, services: JSON.stringify(counter.serviceIds), now: time.atMs };
    const heads = this.#heads.map((head) => head.get(params) as CallCandidate | undefined).filter((head) => head !== undefined);
    const choice = chooseNextTicket(heads, counterNow.priorityRun, this.#ctx.rules.queue.priorityRun, time.atMs);
    if (!choice) return { ok: true, ticket: null };
    const ticket = this.#ctx.queries.ticket(choice.ticketId)!;
    const calledBy = officerId ?? counterNow.officerId;
    this.#tickets.call(ticket, counter.id, calledBy, time.atMs);
    this.#counters.save({ ...counterNow, currentTicketId: ticket.id, priorityRun: choice.priorityRun }, time.atMs);
    const waitedS = Math.max(0, Math.floor((time.atMs - ticket.issued_at) / 1000));
    this.#ctx.outbox.append({ type: 'ticket.called', data: { ...ticketRef(ticket), counterId: counter.id, officerId: calledBy, waitedS } }, time.atMs);
    return { ok: true, ticket: ticketView(this.#reload(ticket)) };
  }

  /** Recalls are limited: a citizen who does not come is marked a no-show instead. */
  #recall(status: CounterStatus, current: TicketRow | null, time: QueueTime): QueueResult {
    if (!current) return noCurrentTicket(status.counterId, 'to recall');
    if (current.status === 'serving') {
      return refuse('no_current_ticket', `Ticket ${current.number} is already being served at counter ${status.counterId}; there is no one to recall.`);
    }
    const { maxRecalls } = this.#ctx.rules.queue;
    if (current.calls - 1 >= maxRecalls) {
      return refuse('recall_limit', `Ticket ${current.number} has been recalled ${current.calls - 1} times, the most allowed (${maxRecalls}); mark it a no-show instead.`);
    }
    this.#tickets.recall(current, status.counterId, time.atMs);
    this.#ctx.outbox.append({ type: 'ticket.recalled', data: { ...ticketRef(current), counterId: status.counterId, calls: current.calls + 1 } }, time.atMs);
    return { ok: true, ticket: ticketView(this.#reload(current)) };
  }

  #noShow(status: CounterStatus, current: TicketRow | null, time: QueueTime): QueueResult {
    if (!current) return noCurrentTicket(status.counterId, 'to mark a no-show');
    if (current.status === 'serving') {
      return refuse('no_current_ticket', `Ticket ${current.number} is being served at counter ${status.counterId}; finish it instead of marking a no-show.`);
    }
    const { noShowAfterCalls } = this.#ctx.rules.queue;
    if (current.calls < noShowAfterCalls) {
      return refuse('not_enough_calls', `Ticket ${current.number} has been called ${current.calls} time(s); recall it until it has been called ${noShowAfterCalls} times before marking a no-show.`);
    }
    this.#tickets.noShow(current, status.counterId, time.atMs);
    this.#counters.save({ ...status, currentTicketId: null }, time.atMs);
    this.#ctx.outbox.append({ type: 'ticket.no_show', data: { ...ticketRef(current), counterId: status.counterId, calls: current.calls } }, time.atMs);
    return { ok: true, ticket: ticketView(this.#reload(current)) };
  }

  /** Same number, back to waiting in the new service, placed by its original arrival. */
  #transfer(status: CounterStatus, current: TicketRow | null, toServiceId: string, reason: string | null, time: QueueTime): QueueResult {
    if (!current) return noCurrentTicket(status.counterId, 'to transfer');
    if (!this.#ctx.rules.service(toServiceId)) return refuse('unknown_service', `There is no service "${toServiceId}" in this centre's config to transfer ticket ${current.number} to.`);
    if (toServiceId === current.service_id) return refuse('same_service', `Ticket ${current.number} is already for service "${toServiceId}"; choose another service to transfer it to.`);
    this.#tickets.transfer(current, status.counterId, toServiceId, time.atMs);
    this.#counters.save({ ...status, currentTicketId: null }, time.atMs);
    this.#ctx.outbox.append({ type: 'ticket.transferred', data: { ...ticketRef(current), toServiceId, counterId: status.counterId, reason } }, time.atMs);
    return { ok: true, ticket: ticketView(this.#reload(current)) };
  }

  /**
   * Finishes the counter's current ticket and learns the service's time from it. A
   * ticket left open from an earlier day (the hub stopped overnight) is finished but
   * not learnt from: its "service time" would be the night.
   */
  #finish(status: CounterStatus, current: TicketRow, time: QueueTime): TicketRow {
    this.#tickets.finish(current, status.counterId, time.atMs);
    this.#counters.save({ ...status, currentTicketId: null }, time.atMs);
    const serviceS = Math.max(0, Math.round((time.atMs - (current.started_at ?? current.called_at ?? time.atMs)) / 1000));
    const service = this.#ctx.rules.service(current.service_id);
    if (service && current.day === time.day) {
      this.#tickets.saveServiceTime(service.id, updateServiceTime(this.#ctx.queries.serviceTime(service), serviceS, this.#ctx.rules.queue.serviceTimeAlpha));
    }
    this.#ctx.outbox.append({ type: 'ticket.finished', data: { ...ticketRef(current), counterId: status.counterId, serviceS } }, time.atMs);
    return this.#reload(current);
  }

  #currentTicket(status: CounterStatus): TicketRow | null {
    if (status.currentTicketId === null) return null;
    const ticket = this.#ctx.queries.ticket(status.currentTicketId);
    if (!ticket || ticket.counter_id !== status.counterId || (ticket.status !== 'called' && ticket.status !== 'serving')) {
      throw new QueueEngineError('queue_state_inconsistent', `counter ${status.counterId} names ticket ${status.currentTicketId} as current, but that ticket is ${ticket ? `${ticket.status} at ${ticket.counter_id ?? 'no counter'}` : 'missing'}`);
    }
    return ticket;
  }

  #reload(ticket: TicketRow): TicketRow {
    return this.#ctx.queries.ticket(ticket.id)!;
  }
}

function noCurrentTicket(counterId: string, purpose: string): QueueRefusal {
  return refuse('no_current_ticket', `Counter ${counterId} has no current ticket ${purpose}; call the next ticket first.`);
}
