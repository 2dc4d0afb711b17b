import type { Database, Statement } from 'better-sqlite3';
import { EVENT_DATA_SCHEMAS, type DomainEvent } from '../../protocol/events/envelope.ts';
import { eventHash } from '../../protocol/sync/event-hash.ts';

export interface OutboxHead {
  /** Highest seq ever appended (0 when none). */
  lastSeq: number;
}

/**
 * The outbox: every domain event, appended in the same transaction as the state
 * change it describes (invariant 2). `seq` comes from SQLite AUTOINCREMENT, so it is
 * gap-free within committed transactions and never reused after pruning.
 */
export class Outbox {
  readonly #insert: Statement<[string, number, string, Buffer]>;
  readonly #lastSeq: Statement<[]>;
  readonly #atOf: Statement<[number]>;

  constructor(db: Database) {
    this.#insert = db.prepare('INSERT INTO outbox (type, at, data, hash) VALUES (?, ?, ?, ?)');
    this.#lastSeq = db.prepare("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0) AS lastSeq");
    this.#atOf = db.prepare('SELECT at FROM outbox WHERE seq > ? ORDER BY seq LIMIT 1');
  }

  /**
   * Appends one event; call inside a transaction. Validates the data against its
   * schema first: a malformed event must never reach the Secretariat.
   */
  append(event: DomainEvent, atMs: number): number {
    const data = JSON.stringify(EVENT_DATA_SCHEMAS[event.type].parse(event.data));
    const hash = eventHash(event.type, new Date(atMs).toISOString(), data);
    return Number(this.#insert.run(event.type, atMs, data, hash).lastInsertRowid);
  }

  head(): OutboxHead {
    return this.#lastSeq.get() as OutboxHead;
  }

  /** The hub-clock time of the first event after `seq` (a gap or a renumbering may skip seqs). */
  firstAtAfter(seq: number): number | undefined {
    return (this.#atOf.get(seq) as { at: number } | undefined)?.at;
  }
}
