import type { Database, Statement } from 'better-sqlite3';
import type { CounterState } from '../../../protocol/queue/api.ts';
import type { LocalizedText, WaitRange } from '../../../protocol/queue/ticket.ts';
import type { ServiceConfig } from '../../config/schema.ts';
import { effectiveServers, estimateWait, initialServiceTime, type ServiceTimeStats } from '../wait-estimate.ts';
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

  /** The wait quoted to a ticket with `ahead` tickets before it; null when no open counter serves the service. */
  quoteWait(service: ServiceConfig, ahead: number, statuses: readonly CounterStatus[] = this.counterStatuses()): WaitRange | null {
    const state = new Map(statuses.map((status) => [status.counterId, status.state]));
    const counters = this.#rules.counters.map((counter) => ({ serviceIds: counter.serviceIds, state: state.get(counter.id) ?? 'open' }));
    return estimateWait({ ahead, stats: this.serviceTime(service), servers: effectiveServers(service.id, counters) });
  }
}
