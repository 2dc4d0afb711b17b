import type { Database, Statement } from 'better-sqlite3';
import type { Outbox } from '../../store/outbox.ts';
import type { QueueCommand, QueueResult, QueueTime } from '../commands.ts';
import { CounterCalls } from './counter-calls.ts';
import { CounterStates } from './counter-states.ts';
import { PrintJobs } from './print-jobs.ts';
import { QueueEngineError } from './queue-errors.ts';
import { QueueQueries } from './queue-queries.ts';
import { RuleBook, type QueueRules } from './queue-rules.ts';
import { RulesChange, type StrandReason } from './rules-change.ts';
import { TicketIssuer } from './ticket-issuer.ts';

export type { QueueRules } from './queue-rules.ts';

/**
 * The queue engine: runs in the writer thread, inside the group-commit transaction,
 * one command at a time (each in its own savepoint), so it is plain synchronous SQL
 * with no locking. Every state change appends its domain event to the outbox in the
 * same transaction (invariant 2); a refusal writes nothing.
 */
export class QueueEngine {
  readonly #rules: RuleBook;
  readonly #issuer: TicketIssuer;
  readonly #counterStates: CounterStates;
  readonly #counterCalls: CounterCalls;
  readonly #printJobs: PrintJobs;
  readonly #rulesChange: RulesChange;
  readonly #visitAt: Statement<[string, number, number, number]>;

  constructor(db: Database, outbox: Outbox, rules: QueueRules) {
    this.#rules = new RuleBook(rules);
    const ctx = { db, outbox, rules: this.#rules, queries: new QueueQueries(db, this.#rules) };
    this.#issuer = new TicketIssuer(ctx);
    this.#counterStates = new CounterStates(ctx);
    this.#counterCalls = new CounterCalls(ctx, this.#counterStates);
    this.#printJobs = new PrintJobs(ctx);
    this.#rulesChange = new RulesChange(db, this.#rules);
    // A counter's visits follow one another (a call ends the previous visit first), so
    // only the latest visit begun by the press can be the one it rates: if that one
    // ended before the grace, every earlier one did too. One index probe, however old
    // the counter's history.
    this.#visitAt = db.prepare(`SELECT ticketId, serviceId FROM (
        SELECT ticket_id AS ticketId, service_id AS serviceId, ended_at FROM ticket_visits
        WHERE counter_id = ? AND called_at <= ? ORDER BY called_at DESC, id DESC LIMIT 1)
      WHERE ended_at IS NULL OR ? <= ended_at + ?`);
  }

  /** Inside a transaction. Domain refusals are results ({ok:false, code, message, messages?}); throws only on unexpected errors. */
  apply(command: QueueCommand, time: QueueTime): QueueResult {
    switch (command.kind) {
      case 'issue':
        return this.#issuer.issue(command, time);
      case 'check_in':
        return this.#issuer.checkIn(command, time);
      case 'add_appointments':
        return this.#issuer.addAppointments(command, time);
      case 'call_next':
      case 'recall':
      case 'start':
      case 'finish':
      case 'no_show':
      case 'transfer':
        return this.#counterCalls.apply(command, time);
      case 'open_counter':
        return this.#counterStates.open(command, time);
      case 'pause_counter':
        return this.#counterStates.pause(command, time);
      case 'close_counter':
        return this.#counterStates.close(command, time);
      case 'suspend_service':
        return this.#counterStates.suspend(command, time);
      case 'resume_service':
        return this.#counterStates.resume(command, time);
      case 'print_done':
      case 'print_failed':
        return this.#printJobs.apply(command, time);
      default:
        // Unreachable by the types; a command from a newer main thread must fail alone.
        throw new QueueEngineError('queue_command_unknown', `unknown queue command ${JSON.stringify((command as { kind?: unknown }).kind)}`);
    }
  }

  /** Takes part in each batch, so a swap rolls back with its batch (queue-writes.ts registers it). */
  get rulesChange(): RulesChange {
    return this.#rulesChange;
  }

  /** A live config change (docs/live-config.md): the new rules, unless they would strand tickets. */
  replaceRules(rules: QueueRules, time: QueueTime): StrandReason[] {
    return this.#rulesChange.apply(rules, time);
  }

  /**
   * The ticket a feedback press at `counterId` at `pressedAtMs` rates: the latest visit
   * there that had begun by then and had not ended more than the grace before (a citizen
   * often presses while leaving). Null when the counter served nobody then.
   */
  ticketForFeedback(counterId: string, pressedAtMs: number): { ticketId: string; serviceId: string } | null {
    const graceMs = this.#rules.queue.feedbackGraceS * 1000;
    return (this.#visitAt.get(counterId, pressedAtMs, pressedAtMs, graceMs) as { ticketId: string; serviceId: string } | undefined) ?? null;
  }
}
