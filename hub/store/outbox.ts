import type { Database, Statement } from 'better-sqlite3';
import { EVENT_DATA_SCHEMAS, type DomainEvent } from '../../protocol/events/envelope.ts';
import { eventHash } from '../../protocol/sync/event-hash.ts';
import { randomUUID } from 'node:crypto';
import { readMeta, writeMeta } from './meta.ts';

/** The meta key of the outbox epoch: a UUID made with the store, new after a rebase. */
export const OUTBOX_EPOCH_KEY = 'outbox_epoch';

/** The epoch every sync batch carries (docs/sync-contract.md: a restored database is told apart). */
export function readOutboxEpoch(db: Database): string {
  return readMeta(db, OUTBOX_EPOCH_KEY) ?? '';
}

/** Makes the epoch when the store is created; returns it. */
export function ensureOutboxEpoch(db: Database): string {
  db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(OUTBOX_EPOCH_KEY, randomUUID());
  return readOutboxEpoch(db);
}

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
  readonly #db: Database;
  readonly #insert: Statement<[string, number, string, Buffer]>;
  readonly #lastSeq: Statement<[]>;
  readonly #atOf: Statement<[number]>;

  constructor(db: Database) {
    this.#db = db;
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

  /**
   * Moves the sequence past `highestSeq` (seqs the Secretariat holds from a database
   * this one was restored over) under a new epoch, so no seq is ever reused. Call
   * inside a transaction.
   */
  rebase(highestSeq: number, epoch: string): void {
    // AUTOINCREMENT takes the next seq from sqlite_sequence (a fresh outbox has no row yet).
    const bumped = this.#db.prepare("UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'outbox'").run(highestSeq).changes;
    if (bumped === 0) this.#db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)").run(highestSeq);
    writeMeta(this.#db, OUTBOX_EPOCH_KEY, epoch);
  }

  /**
   * Moves every event from `fromSeq` on, in order, to right after `afterSeq` (the hash
   * does not cover the seq), tells `referrers` to follow, and rebases under `epoch`.
   * Returns how many events moved. Call inside a transaction.
   */
  renumber(fromSeq: number, afterSeq: number, epoch: string, referrers: ReadonlyArray<{ afterRenumber(fromSeq: number, offset: number): void }>): number {
    const last = this.head().lastSeq;
    // Right after the Secretariat's highest seq: a gap there could never be filled.
    const offset = afterSeq + 1 - fromSeq;
    if (offset <= 0) return 0;
    // Through negative seqs, so no row ever lands on a seq still taken.
    const moved = this.#db.prepare('UPDATE outbox SET seq = -(seq + ?) WHERE seq >= ?').run(offset, fromSeq).changes;
    this.#db.prepare('UPDATE outbox SET seq = -seq WHERE seq < 0').run();
    for (const referrer of referrers) referrer.afterRenumber(fromSeq, offset);
    this.rebase(last + offset, epoch);
    return moved;
  }

  /**
   * Deletes events the Secretariat holds (seq ≤ `ackedThroughSeq`) older than
   * `beforeMs`, oldest first and at most `limit`: a run stops at the first row too
   * young (rows are appended in time order), so it reads at most `limit` rows.
   * Unsynced rows are never touched (invariant 3). Call inside a transaction.
   */
  pruneSynced(ackedThroughSeq: number, beforeMs: number, limit: number): number {
    let through = 0;
    for (const row of this.#db.prepare('SELECT seq, at FROM outbox WHERE seq <= ? ORDER BY seq LIMIT ?').all(ackedThroughSeq, limit) as Array<{ seq: number; at: number }>) {
      if (row.at >= beforeMs) break;
      through = row.seq;
    }
    return through > 0 ? this.#db.prepare('DELETE FROM outbox WHERE seq <= ?').run(through).changes : 0;
  }
}
