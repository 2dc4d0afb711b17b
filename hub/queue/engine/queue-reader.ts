import type { Database, Statement } from 'better-sqlite3';
import type { CallView, CounterView, ServiceView } from '../../../protocol/queue/api.ts';
import type { TicketView } from '../../../protocol/queue/ticket.ts';
import type { QueueTime } from '../commands.ts';
import { QueueQueries } from './queue-queries.ts';
import { RuleBook, type QueueRules } from './queue-rules.ts';
import { CAPPED_MESSAGE, isWithinOpeningHours, opensMessage, suspensionOf } from './service-availability.ts';
import { ticketView, type TicketRow } from './ticket-rows.ts';

export interface WaitAccuracy {
  /** Tickets of the day that were called and had been quoted a wait. */
  tickets: number;
  /** Mean of |actual wait − middle of the quoted range|, in minutes; null without tickets. */
  maeMin: number | null;
  /** Share of those tickets whose actual wait fell inside the quoted range; null without tickets. */
  withinRangeShare: number | null;
}

interface CallRow {
  ticket_id: string;
  number: string;
  service_id: string;
  counter_id: string;
  calls: number;
  at: number;
}

/**
 * The queue as the API and the pages see it. Read-only, on any connection (the main
 * thread's read connection): it never waits for the writer and sees only committed
 * state. Shares its queries and availability rules with the engine, so the menu and
 * the kiosk's refusals always agree.
 */
export class QueueReader {
  readonly #rules: RuleBook;
  readonly #queries: QueueQueries;
  readonly #recentCalls: Statement<[number]>;
  readonly #accuracy: Statement<[string]>;

  readonly #pendingPrints: Statement<[number]>;
  readonly #pendingPrintCount: Statement<[]>;

  constructor(db: Database, rules: QueueRules) {
    this.#pendingPrints = db.prepare(`SELECT t.* FROM print_jobs j JOIN tickets t ON t.id = j.ticket_id
      WHERE j.state = 'pending' ORDER BY j.created_at, t.rowid LIMIT ?`);
    this.#pendingPrintCount = db.prepare("SELECT COUNT(*) AS n FROM print_jobs WHERE state = 'pending'");
    this.#rules = new RuleBook(rules);
    this.#queries = new QueueQueries(db, this.#rules);
    // The hall board shows a ticket once, at its latest call: a recall (or a call at
    // another counter after a transfer) moves it to the top with its call count.
    this.#recentCalls = db.prepare(`SELECT ticket_id, number, service_id, counter_id, calls, at FROM ticket_calls c
      WHERE NOT EXISTS (SELECT 1 FROM ticket_calls later WHERE later.ticket_id = c.ticket_id AND later.id > c.id)
      ORDER BY c.id DESC LIMIT ?`);
    // Actual wait: issue to first call (a transfer does not restart it).
    this.#accuracy = db.prepare(`SELECT COUNT(*) AS tickets,
        AVG(ABS((first_called_at - issued_at) / 60000.0 - (quoted_low_min + quoted_high_min) / 2.0)) AS maeMin,
        AVG(CASE WHEN (first_called_at - issued_at) / 60000.0 BETWEEN quoted_low_min AND quoted_high_min THEN 1.0 ELSE 0.0 END) AS withinRangeShare
      FROM tickets WHERE day = ? AND first_called_at IS NOT NULL AND quoted_low_min IS NOT NULL AND quoted_high_min IS NOT NULL`);
  }

  /** A live config change the engine took (docs/live-config.md): the reader follows it. */
  replaceRules(rules: QueueRules): void {
    this.#rules.replace(rules);
  }

  /**
   * The service menu at `time`. A suspension outranks the opening hours (its message
   * says more); a capped service stays `open` with `capped` and the cap's message. The
   * estimated wait is for a ticket taken now, so it is null whenever none can be (and
   * with `quotes: false`, for health figures that need only the counts).
   */
  services(time: QueueTime, options: { quotes?: boolean } = {}): ServiceView[] {
    const quotes = options.quotes ?? true;
    const statuses = this.#queries.counterStatuses();
    const waiting = this.#queries.waitingCounts(time.day);
    const issued = this.#queries.issuedCounts(time.day);
    const stored = this.#queries.serviceStateRows();
    const queueNow = quotes ? this.#queries.queueNow(time.day, time.atMs, statuses) : null;
    return this.#rules.services.map((service) => {
      const suspension = suspensionOf(service, stored.get(service.id) ?? null);
      const withinHours = isWithinOpeningHours(service, time);
      const capped = service.dailyCap !== undefined && (issued.get(service.prefix) ?? 0) >= service.dailyCap;
      const status = suspension ? 'suspended' : withinHours ? 'open' : 'closed';
      const waitingNow = waiting.get(service.id) ?? 0;
      return {
        id: service.id,
        prefix: service.prefix,
        names: service.names,
        agency: service.agency,
        icon: service.icon,
        status,
        message: suspension ?? (withinHours ? (capped ? CAPPED_MESSAGE : null) : opensMessage(service, time)),
        capped,
        waiting: waitingNow,
        estimatedWait: queueNow && status === 'open' && !capped ? this.#queries.quoteWait(service, false, queueNow) : null,
        targetWaitMin: service.targetWaitMin ?? null,
      };
    });
  }

  /** Every configured counter, in config order; one without a stored state is open. Public: no officer ids. */
  counters(): CounterView[] {
    return this.#queries.counterStatuses().map((status) => {
      const counter = this.#rules.counter(status.counterId)!;
      const current = status.currentTicketId ? this.#queries.ticket(status.currentTicketId) : null;
      return {
        id: counter.id,
        label: counter.label,
        serviceIds: counter.serviceIds,
        state: status.state,
        pauseReason: status.pauseReason,
        current: current ? ticketView(current) : null,
      };
    });
  }

  /** Tickets whose print the printer has not confirmed, oldest first (the spooler reprints them). */
  pendingPrints(limit: number): TicketView[] {
    return (this.#pendingPrints.all(limit) as TicketRow[]).map(ticketView);
  }

  pendingPrintCount(): number {
    return (this.#pendingPrintCount.get() as { n: number }).n;
  }

  /** Newest first, one entry per ticket (its latest call or recall). */
  recentCalls(limit: number): CallView[] {
    return (this.#recentCalls.all(limit) as CallRow[]).map((row) => ({
      ticketId: row.ticket_id,
      number: row.number,
      serviceId: row.service_id,
      counterId: row.counter_id,
      counterLabel: this.#rules.counter(row.counter_id)?.label ?? row.counter_id,
      calls: row.calls,
      at: new Date(row.at).toISOString(),
    }));
  }

  ticket(id: string): TicketView | null {
    const row = this.#queries.ticket(id);
    return row ? ticketView(row) : null;
  }

  /** Quoted against actual waits of the tickets of `day` (YYYY-MM-DD) that were called. */
  accuracy(day: string): WaitAccuracy {
    return this.#accuracy.get(day) as WaitAccuracy;
  }
}
