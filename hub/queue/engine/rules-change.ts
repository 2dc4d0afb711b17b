import type { Database, Statement } from 'better-sqlite3';
import type { QueueTime } from '../commands.ts';
import type { QueueRules, RuleBook } from './queue-rules.ts';

/** Why a new set of rules would strand tickets; empty when it may be applied. */
export type StrandReason = { path: string; message: string };

/**
 * Swaps the engine's rules for a live config change (docs/live-config.md). Runs in the
 * writer thread like every queue command, so the check and the swap see the same state:
 * no ticket can be issued to a service between "it has no waiting tickets" and its
 * removal. A change that would strand tickets is refused and changes nothing.
 */
export class RulesChange {
  readonly #rules: RuleBook;
  /** The rules before a swap in the batch being written: restored if that batch rolls back. */
  #before: QueueRules | null = null;
  readonly #waitingByService: Statement<[string]>;
  readonly #calledByService: Statement<[]>;
  readonly #calledByCounter: Statement<[]>;

  constructor(db: Database, rules: RuleBook) {
    this.#rules = rules;
    this.#waitingByService = db.prepare("SELECT service_id AS id, COUNT(*) AS n FROM tickets WHERE day = ? AND status = 'waiting' GROUP BY service_id");
    this.#calledByService = db.prepare("SELECT service_id AS id, COUNT(*) AS n FROM tickets WHERE status IN ('called', 'serving') GROUP BY service_id");
    this.#calledByCounter = db.prepare(`SELECT c.counter_id AS id, t.number FROM counter_state c JOIN tickets t ON t.id = c.current_ticket_id
      WHERE t.status IN ('called', 'serving')`);
  }

  /** Applies `next`, or answers why not (nothing changed then). */
  apply(next: QueueRules, time: QueueTime): StrandReason[] {
    const reasons = this.check(next, time);
    if (reasons.length === 0) {
      this.#before ??= this.#rules.rules;
      this.#rules.replace(next);
    }
    return reasons;
  }

  /** The batch committed: the swap holds (a group-commit participant, hub/store/group-commit.ts). */
  beforeCommit(): void {
    this.#before = null;
  }

  /** The batch rolled back: so does the swap, and the main thread gets the error. */
  afterRollback(): void {
    if (this.#before) this.#rules.replace(this.#before);
    this.#before = null;
  }

  check(next: QueueRules, time: QueueTime): StrandReason[] {
    const reasons: StrandReason[] = [];
    const services = new Set(next.services.map((s) => s.id));
    const counters = new Set(next.counters.map((c) => c.id));
    const served = new Set(next.counters.flatMap((c) => c.serviceIds));
    const waiting = rows(this.#waitingByService.all(time.day));
    const called = rows(this.#calledByService.all());
    for (const [serviceId, n] of waiting) {
      if (!services.has(serviceId)) reasons.push({ path: 'services', message: `service "${serviceId}" has ${n} waiting ticket(s) today: serve them, or transfer them, before removing it` });
      else if (!served.has(serviceId)) reasons.push({ path: 'counters', message: `service "${serviceId}" has ${n} waiting ticket(s) today and no counter would serve it: keep it on a counter's serviceIds` });
    }
    for (const [serviceId, n] of called) {
      if (!services.has(serviceId)) reasons.push({ path: 'services', message: `service "${serviceId}" has ${n} ticket(s) called to a counter: finish them before removing it` });
    }
    for (const row of this.#calledByCounter.all() as Array<{ id: string; number: string }>) {
      if (!counters.has(row.id)) reasons.push({ path: 'counters', message: `counter "${row.id}" has ticket ${row.number} called: finish it or mark a no-show before removing the counter` });
    }
    return reasons;
  }
}

function rows(all: unknown[]): Map<string, number> {
  return new Map((all as Array<{ id: string; n: number }>).map((r) => [r.id, r.n]));
}
