import type { Database, Statement } from 'better-sqlite3';
import type { StatsCounters } from './stats.ts';
import type { PruneOp, RebaseOp, RenumberOp, SyncAckOp } from './writer/ops.ts';

/**
 * The writer thread's side of sync: records the Secretariat's answers and prunes
 * what it has acknowledged. Runs inside the writer's batch transaction, like every
 * other write, so it never contends with ingest for the lock.
 */
export class SyncBookkeeping {
  readonly #setMeta: Statement<[string, string]>;
  readonly #quarantine: Statement<[number, string, string, number]>;
  readonly #oldestOutbox: Statement<[number, number]>;
  readonly #pruneOutbox: Statement<[number]>;
  readonly #watermarkPresses: Statement<[number, number, number]>;
  readonly #prunePresses: Statement<[number, number, number]>;
  readonly #stats: StatsCounters;
  readonly #bumpSequence: Statement<[number]>;
  readonly #db: Database;
  readonly #insertSequence: Statement<[number]>;

  constructor(db: Database, stats: StatsCounters) {
    this.#stats = stats;
    this.#db = db;
    this.#setMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.#quarantine = db.prepare('INSERT OR IGNORE INTO sync_quarantine (seq, reason, message, reported_at) VALUES (?, ?, ?, ?)');
    // The oldest rows, in seq order, at most `limit`; pruning stops at the first one
    // too young (rows are appended in time order), so a run reads at most `limit` rows
    // instead of scanning every acknowledged one.
    this.#oldestOutbox = db.prepare('SELECT seq, at FROM outbox WHERE seq <= ? ORDER BY seq LIMIT ?');
    this.#pruneOutbox = db.prepare('DELETE FROM outbox WHERE seq <= ?');
    // The same selection twice (watermark, then delete) inside one transaction: the
    // rows cannot change in between, so no press is deleted without its watermark.
    // By pressed_at (indexed, and never after received_at): only old rows are read.
    const oldPresses = 'SELECT id, device_id, boot, device_seq FROM presses WHERE event_seq <= ? AND pressed_at < ? ORDER BY pressed_at LIMIT ?';
    this.#watermarkPresses = db.prepare(`INSERT INTO press_watermarks (device_id, boot, max_device_seq)
      SELECT device_id, boot, MAX(device_seq) FROM (${oldPresses}) GROUP BY device_id, boot
      ON CONFLICT (device_id, boot) DO UPDATE SET max_device_seq = MAX(max_device_seq, excluded.max_device_seq)`);
    this.#bumpSequence = db.prepare("UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'outbox'");
    this.#insertSequence = db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)");
    this.#prunePresses = db.prepare(`DELETE FROM presses WHERE id IN (SELECT id FROM (${oldPresses}))`);
  }

  applyAck(op: SyncAckOp): void {
    // Taken as the Secretariat says, also when lower than before: a Secretariat
    // restored from backup asks again for what it lost (rows not yet pruned).
    this.#setMeta.run('sync_acked_through_seq', String(op.ackedThroughSeq));
    this.#setMeta.run('sync_highest_seq', String(op.highestSeq));
    this.#setMeta.run('sync_last_at', new Date(op.atMs).toISOString());
    for (const record of op.quarantined) {
      if (this.#quarantine.run(record.seq, record.reason, record.message.slice(0, 500), op.atMs).changes > 0) this.#stats.add('sync.quarantined');
    }
  }

  rebase(op: RebaseOp): void {
    // AUTOINCREMENT takes the next seq from sqlite_sequence (a fresh outbox has no row yet).
    if (this.#bumpSequence.run(op.highestSeq).changes === 0) this.#insertSequence.run(op.highestSeq);
    this.#setMeta.run('outbox_epoch', op.epoch);
    this.#stats.add('sync.rebased');
  }

  renumber(op: RenumberOp): number {
    const db = this.#db;
    const last = (db.prepare("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0) AS n").get() as { n: number }).n;
    // Right after the Secretariat's highest seq: a gap there could never be filled.
    const offset = op.afterSeq + 1 - op.fromSeq;
    if (offset <= 0) return 0;
    // Through negative seqs, so no row ever lands on a seq still taken.
    const moved = db.prepare('UPDATE outbox SET seq = -(seq + ?) WHERE seq >= ?').run(offset, op.fromSeq).changes;
    db.prepare('UPDATE outbox SET seq = -seq WHERE seq < 0').run();
    db.prepare('UPDATE presses SET event_seq = event_seq + ? WHERE event_seq >= ?').run(offset, op.fromSeq);
    this.rebase({ kind: 'rebase', highestSeq: last + offset, epoch: op.epoch });
    this.#stats.add('sync.renumbered', moved);
    return moved;
  }

  prune(op: PruneOp): { outbox: number; presses: number } {
    let through = 0;
    for (const row of this.#oldestOutbox.all(op.ackedThroughSeq, op.limit) as Array<{ seq: number; at: number }>) {
      if (row.at >= op.outboxBeforeMs) break;
      through = row.seq;
    }
    const outbox = through > 0 ? this.#pruneOutbox.run(through).changes : 0;
    this.#watermarkPresses.run(op.ackedThroughSeq, op.pressesBeforeMs, op.limit);
    const presses = this.#prunePresses.run(op.ackedThroughSeq, op.pressesBeforeMs, op.limit).changes;
    if (outbox > 0) this.#stats.add('sync.pruned_outbox', outbox);
    if (presses > 0) this.#stats.add('sync.pruned_presses', presses);
    return { outbox, presses };
  }
}
