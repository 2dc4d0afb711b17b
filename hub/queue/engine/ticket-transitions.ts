import type { Database, Statement } from 'better-sqlite3';
import type { ServiceTimeStats } from '../wait-estimate.ts';
import { QueueEngineError } from './queue-errors.ts';
import type { TicketRow } from './ticket-rows.ts';

type VisitOutcome = 'finished' | 'no_show' | 'transferred';

/**
 * The row changes of a ticket's life at a counter: its status, its visit (one per time
 * at a counter, for linking feedback), and the call log (the hall board). Every update
 * names the status it expects, and a miss throws: the engine decided on a state that
 * is not the stored one, which must fail the command rather than store a half-change.
 */
export class TicketTransitions {
  readonly #call: Statement;
  readonly #recall: Statement<[string]>;
  readonly #start: Statement<[number, string]>;
  readonly #end: Statement<[string, number, string]>;
  readonly #backToWaiting: Statement<[string, string]>;
  readonly #openVisit: Statement<[string, string, string, number]>;
  readonly #endVisit: Statement<[number, VisitOutcome, string, string]>;
  readonly #logCall: Statement<[string, string, string, string, number, number]>;
  readonly #saveServiceTime: Statement;

  constructor(db: Database) {
    this.#call = db.prepare(`UPDATE tickets SET status = 'called', counter_id = @counterId, officer_id = @officerId, calls = 1, called_at = @atMs,
      first_called_at = COALESCE(first_called_at, @atMs), started_at = NULL WHERE id = @id AND status = 'waiting'`);
    this.#recall = db.prepare("UPDATE tickets SET calls = calls + 1 WHERE id = ? AND status = 'called'");
    this.#start = db.prepare("UPDATE tickets SET status = 'serving', started_at = ? WHERE id = ? AND status = 'called'");
    // finished_at is when the ticket left the counter, whether served or not.
    this.#end = db.prepare("UPDATE tickets SET status = ?, finished_at = ? WHERE id = ? AND status IN ('called', 'serving')");
    this.#backToWaiting = db.prepare(`UPDATE tickets SET status = 'waiting', service_id = ?, counter_id = NULL, officer_id = NULL, calls = 0,
      called_at = NULL, started_at = NULL, transfers = transfers + 1 WHERE id = ? AND status IN ('called', 'serving')`);
    this.#openVisit = db.prepare('INSERT INTO ticket_visits (ticket_id, counter_id, service_id, called_at) VALUES (?, ?, ?, ?)');
    this.#endVisit = db.prepare('UPDATE ticket_visits SET ended_at = ?, outcome = ? WHERE ticket_id = ? AND counter_id = ? AND ended_at IS NULL');
    this.#logCall = db.prepare('INSERT INTO ticket_calls (ticket_id, number, service_id, counter_id, calls, at) VALUES (?, ?, ?, ?, ?, ?)');
    this.#saveServiceTime = db.prepare(`INSERT INTO service_time_stats (service_id, mean_s, var_s2, samples) VALUES (@serviceId, @meanS, @varS2, @samples)
      ON CONFLICT (service_id) DO UPDATE SET mean_s = excluded.mean_s, var_s2 = excluded.var_s2, samples = excluded.samples`);
  }

  call(ticket: TicketRow, counterId: string, officerId: string | null, atMs: number): void {
    expectOne(this.#call.run({ id: ticket.id, counterId, officerId, atMs }).changes, `call waiting ticket ${ticket.id}`);
    this.#openVisit.run(ticket.id, counterId, ticket.service_id, atMs);
    this.#logCall.run(ticket.id, ticket.number, ticket.service_id, counterId, 1, atMs);
  }

  recall(ticket: TicketRow, counterId: string, atMs: number): void {
    expectOne(this.#recall.run(ticket.id).changes, `recall called ticket ${ticket.id}`);
    this.#logCall.run(ticket.id, ticket.number, ticket.service_id, counterId, ticket.calls + 1, atMs);
  }

  start(ticket: TicketRow, atMs: number): void {
    expectOne(this.#start.run(atMs, ticket.id).changes, `start called ticket ${ticket.id}`);
  }

  finish(ticket: TicketRow, counterId: string, atMs: number): void {
    this.#leave(ticket, counterId, atMs, 'finished');
  }

  noShow(ticket: TicketRow, counterId: string, atMs: number): void {
    this.#leave(ticket, counterId, atMs, 'no_show');
  }

  transfer(ticket: TicketRow, counterId: string, toServiceId: string, atMs: number): void {
    expectOne(this.#backToWaiting.run(toServiceId, ticket.id).changes, `transfer ticket ${ticket.id}`);
    this.#closeVisit(ticket, counterId, atMs, 'transferred');
  }

  saveServiceTime(serviceId: string, stats: ServiceTimeStats): void {
    this.#saveServiceTime.run({ serviceId, ...stats });
  }

  #leave(ticket: TicketRow, counterId: string, atMs: number, outcome: 'finished' | 'no_show'): void {
    expectOne(this.#end.run(outcome, atMs, ticket.id).changes, `end ticket ${ticket.id} as ${outcome}`);
    this.#closeVisit(ticket, counterId, atMs, outcome);
  }

  #closeVisit(ticket: TicketRow, counterId: string, atMs: number, outcome: VisitOutcome): void {
    expectOne(this.#endVisit.run(atMs, outcome, ticket.id, counterId).changes, `end the visit of ticket ${ticket.id} at counter ${counterId}`);
  }
}

function expectOne(changes: number, what: string): void {
  if (changes !== 1) throw new QueueEngineError('queue_state_inconsistent', `could not ${what}: ${changes} rows matched the expected state`);
}
