import type { Database, Statement } from 'better-sqlite3';
import type { CounterState } from '../../../protocol/queue/api.ts';
import type { LocalizedText, WaitRange } from '../../../protocol/queue/ticket.ts';
import type { ServiceConfig } from '../../config/schema.ts';
import { estimateWaitAtCounters, initialServiceTime, type CounterNow, type ServiceTimeStats } from '../wait-estimate.ts';
import { callLine } from './call-order.ts';
import type { RuleBook } from './queue-rules.ts';
import { suspensionOf, type ServiceStateRow } from './service-availability.ts';
import type { TicketRow } from './ticket-rows.ts';

/** A counter's state; a counter without a stored row is open with no officer. */
export interface CounterStatus {
  counterId: string;
  state: CounterState;
  pauseReason: string | null;
  officerId: string | null;
  currentTicketId: string | null;
  /** Priority tickets this counter called in a row since its last walk-in. */
  priorityRun: number;
}

interface CounterStateRow {
  counter_id: string;
  state: CounterState;
  pause_reason: string | null;
  officer_id: string | null;
  current_ticket_id: string | null;
  priority_run: number;
}

const toStatus = (row: CounterStateRow): CounterStatus => ({
  counterId: row.counter_id,
  state: row.state,
  pauseReason: row.pause_reason,
  officerId: row.officer_id,
  currentTicketId: row.current_ticket_id,
  priorityRun: row.priority_run,
});

/**
 * What a wait quote is worked out from, read once per quote (or once for the whole
 * service menu): today's waiting tickets in the order counters call them, and what
 * each counter is doing now.
 */
export interface QueueNow {
  /** Services of the waiting tickets, due appointments and priority tickets first, then by arrival. */
  aheadFirst: string[];
  /** The same, but only the tickets a new priority ticket would wait behind. */
  aheadOfPriority: string[];
  counters: CounterNow[];
  /** Measured service time per service, read once (a quote looks one up per ticket ahead). */
  stats: Map<string, ServiceTimeStats>;
}

interface WaitingRow {
  serviceId: string;
  category: TicketRow['category'];
  appointmentAt: number | null;
}

const defaultStatus = (counterId: string): CounterStatus => ({ counterId, state: 'open', pauseReason: null, officerId: null, currentTicketId: null, priorityRun: 0 });

/**
 * The queries both sides need: the engine on the writer connection, the reader on the
 * main thread's read connection. Read-only; statements are prepared once.
 */
export class QueueQueries {
  readonly #rules: RuleBook;
  readonly #ticket: Statement<[string]>;
  readonly #counter: Statement<[string]>;
  readonly #counters: Statement<[]>;
  readonly #serviceState: Statement<[string]>;
  readonly #serviceStates: Statement<[]>;
  readonly #stats: Statement<[string]>;
  readonly #waiting: Statement<[string, string]>;
  readonly #waitingByService: Statement<[string]>;
  readonly #issued: Statement<[string, string]>;
  readonly #issuedByService: Statement<[string]>;
  readonly #waitingInOrder: Statement<[string]>;
  readonly #servingNow: Statement<[]>;
  readonly #allStats: Statement<[]>;

  constructor(db: Database, rules: RuleBook) {
    this.#rules = rules;
    this.#ticket = db.prepare('SELECT * FROM tickets WHERE id = ?');
    this.#counter = db.prepare('SELECT * FROM counter_state WHERE counter_id = ?');
    this.#counters = db.prepare('SELECT * FROM counter_state');
    this.#serviceState = db.prepare('SELECT * FROM service_state WHERE service_id = ?');
    this.#serviceStates = db.prepare('SELECT * FROM service_state');
    this.#stats = db.prepare('SELECT mean_s AS meanS, var_s2 AS varS2, samples FROM service_time_stats WHERE service_id = ?');
    this.#waiting = db.prepare("SELECT COUNT(*) AS n FROM tickets WHERE day = ? AND service_id = ? AND status = 'waiting'");
    this.#waitingByService = db.prepare("SELECT service_id AS serviceId, COUNT(*) AS n FROM tickets WHERE day = ? AND status = 'waiting' GROUP BY service_id");
    // Numbers are gap-free, so the last number of the service's prefix today is the
    // count of tickets issued for it (a ticket transferred in was issued for another
    // service and does not use this one's daily cap).
    this.#issued = db.prepare('SELECT last FROM ticket_numbers WHERE day = ? AND prefix = ?');
    this.#issuedByService = db.prepare('SELECT prefix, last FROM ticket_numbers WHERE day = ?');
    this.#waitingInOrder = db.prepare(`SELECT service_id AS serviceId, category, appointment_at AS appointmentAt FROM tickets
      WHERE day = ? AND status = 'waiting' ORDER BY arrived_at, rowid`);
    this.#allStats = db.prepare('SELECT service_id AS serviceId, mean_s AS meanS, var_s2 AS varS2, samples FROM service_time_stats');
    this.#servingNow = db.prepare(`SELECT c.counter_id AS counterId, t.service_id AS serviceId, COALESCE(t.started_at, t.called_at) AS since
      FROM counter_state c JOIN tickets t ON t.id = c.current_ticket_id`);
  }

  ticket(id: string): TicketRow | null {
    return (this.#ticket.get(id) as TicketRow | undefined) ?? null;
  }

  counter(counterId: string): CounterStatus {
    const row = this.#counter.get(counterId) as CounterStateRow | undefined;
    return row ? toStatus(row) : defaultStatus(counterId);
  }

  /** Every configured counter's state, in config order. */
  counterStatuses(): CounterStatus[] {
    const stored = new Map((this.#counters.all() as CounterStateRow[]).map((row) => [row.counter_id, toStatus(row)]));
    return this.#rules.counters.map((counter) => stored.get(counter.id) ?? defaultStatus(counter.id));
  }

  suspension(service: ServiceConfig): LocalizedText | null {
    return suspensionOf(service, (this.#serviceState.get(service.id) as ServiceStateRow | undefined) ?? null);
  }

  serviceStateRows(): Map<string, ServiceStateRow> {
    return new Map((this.#serviceStates.all() as ServiceStateRow[]).map((row) => [row.service_id, row]));
  }

  serviceTime(service: ServiceConfig): ServiceTimeStats {
    return (this.#stats.get(service.id) as ServiceTimeStats | undefined) ?? initialServiceTime(service.meanServiceMin);
  }

  waitingCount(day: string, serviceId: string): number {
    return (this.#waiting.get(day, serviceId) as { n: number }).n;
  }

  waitingCounts(day: string): Map<string, number> {
    return new Map((this.#waitingByService.all(day) as Array<{ serviceId: string; n: number }>).map((row) => [row.serviceId, row.n]));
  }

  /** Tickets issued today under the service's prefix (its daily cap). */
  issuedCount(day: string, service: ServiceConfig): number {
    return (this.#issued.get(day, service.prefix) as { last: number } | undefined)?.last ?? 0;
  }

  /** Tickets issued today per prefix. */
  issuedCounts(day: string): Map<string, number> {
    return new Map((this.#issuedByService.all(day) as Array<{ prefix: string; last: number }>).map((row) => [row.prefix, row.last]));
  }

  /** The queue as a quote sees it at `nowMs` (see QueueNow). */
  queueNow(day: string, nowMs: number, statuses: readonly CounterStatus[] = this.counterStatuses()): QueueNow {
    const first: string[] = [];
    const rest: string[] = [];
    for (const row of this.#waitingInOrder.all(day) as WaitingRow[]) {
      (callLine(row, nowMs) === 'regular' ? rest : first).push(row.serviceId);
    }
    const serving = new Map((this.#servingNow.all() as Array<{ counterId: string; serviceId: string; since: number | null }>).map((row) => [row.counterId, row]));
    const state = new Map(statuses.map((status) => [status.counterId, status.state]));
    const counters = this.#rules.counters.map((counter): CounterNow => {
      const current = serving.get(counter.id);
      return {
        serviceIds: counter.serviceIds,
        state: state.get(counter.id) ?? 'open',
        currentServiceId: current?.serviceId ?? null,
        currentForS: current?.since == null ? null : Math.max(0, (nowMs - current.since) / 1000),
      };
    });
    const stats = new Map(this.#rules.services.map((service) => [service.id, initialServiceTime(service.meanServiceMin)]));
    for (const row of this.#allStats.all() as Array<ServiceTimeStats & { serviceId: string }>) stats.set(row.serviceId, { meanS: row.meanS, varS2: row.varS2, samples: row.samples });
    return { aheadFirst: [...first, ...rest], aheadOfPriority: first, counters, stats };
  }

  /**
   * The wait quoted to a new ticket of `service`: the tickets ahead of it (for a priority
   * ticket only the due appointments and priority tickets; else every waiting ticket)
   * handed to the counters in call order (estimateWaitAtCounters). Null when no open
   * counter serves the service.
   */
  quoteWait(service: ServiceConfig, priority: boolean, now: QueueNow): WaitRange | null {
    return estimateWaitAtCounters({
      serviceId: service.id,
      ahead: priority ? now.aheadOfPriority : now.aheadFirst,
      counters: now.counters,
      // A ticket of a service no longer in the config: the default guess.
      stats: (serviceId) => now.stats.get(serviceId) ?? initialServiceTime(5),
    });
  }
}
