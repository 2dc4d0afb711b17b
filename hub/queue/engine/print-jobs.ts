import type { Statement } from 'better-sqlite3';
import type { QueueCommand, QueueResult, QueueTime } from '../commands.ts';
import { refuse } from './queue-errors.ts';
import type { QueueContext } from './queue-rules.ts';
import { ticketView, type TicketRow } from './ticket-rows.ts';

type PrintCommand = Extract<QueueCommand, { kind: 'print_done' | 'print_failed' }>;

/**
 * The print bookkeeping of issued tickets: every ticket gets a pending job when it is
 * issued (ticket-issuer.ts); the print spooler reports each attempt here. A job is
 * `printed` only once the printer confirmed it, so a failed or interrupted print is
 * printed again and the number is never lost.
 */
export class PrintJobs {
  readonly #ctx: QueueContext;
  readonly #done: Statement<[number, string]>;
  readonly #failed: Statement<[string, string]>;

  constructor(ctx: QueueContext) {
    this.#ctx = ctx;
    this.#done = ctx.db.prepare("UPDATE print_jobs SET state = 'printed', attempts = attempts + 1, printed_at = ?, last_error = NULL WHERE ticket_id = ? AND state = 'pending'");
    this.#failed = ctx.db.prepare("UPDATE print_jobs SET attempts = attempts + 1, last_error = ? WHERE ticket_id = ? AND state = 'pending'");
  }

  apply(command: PrintCommand, time: QueueTime): QueueResult {
    const changes = command.kind === 'print_done' ? this.#done.run(time.atMs, command.ticketId).changes : this.#failed.run(command.error.slice(0, 300), command.ticketId).changes;
    if (changes === 0) return refuse('no_print_job', `Ticket ${command.ticketId} has no print job waiting.`);
    const row = this.#ctx.queries.ticket(command.ticketId) as TicketRow;
    return { ok: true, ticket: ticketView(row) };
  }
}
