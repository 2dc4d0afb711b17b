import type { Database, Statement } from 'better-sqlite3';
import type { OutboxReferrer } from '../store/writer/write-operations.ts';

/** A press row as ingest writes it (times in hub-clock ms). */
export interface PressRow {
  deviceId: string;
  boot: string;
  deviceSeq: number;
  counterId: string;
  rating: number;
  misuse: 0 | 1;
  pressedAt: number;
  receivedAt: number;
  deviceAt: number | null;
  upMs: number;
  sentUpMs: number | null;
  clockQuality: string;
  eventSeq: number;
  ticketId: string | null;
  serviceId: string | null;
}

/**
 * The writer thread's statements on `presses` and `press_watermarks`: ingest owns
 * these tables, and this is the one place that writes them. The rows refer to their
 * `feedback.pressed` event by outbox seq, so they follow a renumbering, and are pruned
 * once the Secretariat holds the event (retention), keeping a per-(device, boot)
 * watermark so a late replay of a pruned press is still recognised (docs/architecture.md,
 * "Dedup horizon").
 */
export class PressStore implements OutboxReferrer {
  readonly name = 'presses';
  readonly #exists: Statement<[{ deviceId: string; boot: string; deviceSeq: number }]>;
  readonly #insert: Statement<[PressRow]>;
  readonly #followRenumber: Statement<[number, number]>;
  readonly #watermark: Statement<[number, number, number]>;
  readonly #prune: Statement<[number, number, number]>;

  constructor(db: Database) {
    // A press already stored, or at or below the watermark of pruned presses of its boot.
    this.#exists = db.prepare(`SELECT 1 FROM presses WHERE device_id = @deviceId AND boot = @boot AND device_seq = @deviceSeq
      UNION ALL SELECT 1 FROM press_watermarks WHERE device_id = @deviceId AND boot = @boot AND max_device_seq >= @deviceSeq`);
    this.#insert = db.prepare(`INSERT INTO presses (device_id, boot, device_seq, counter_id, rating, misuse, pressed_at, received_at,
      device_at, up_ms, sent_up_ms, clock_quality, event_seq, ticket_id, service_id) VALUES (@deviceId, @boot, @deviceSeq, @counterId, @rating, @misuse,
      @pressedAt, @receivedAt, @deviceAt, @upMs, @sentUpMs, @clockQuality, @eventSeq, @ticketId, @serviceId)`);
    this.#followRenumber = db.prepare('UPDATE presses SET event_seq = event_seq + ? WHERE event_seq >= ?');
    // The same selection twice (watermark, then delete) inside one transaction: the
    // rows cannot change in between, so no press is deleted without its watermark.
    // By pressed_at (indexed, and never after received_at): only old rows are read.
    const oldPresses = 'SELECT id, device_id, boot, device_seq FROM presses WHERE event_seq <= ? AND pressed_at < ? ORDER BY pressed_at LIMIT ?';
    this.#watermark = db.prepare(`INSERT INTO press_watermarks (device_id, boot, max_device_seq)
      SELECT device_id, boot, MAX(device_seq) FROM (${oldPresses}) GROUP BY device_id, boot
      ON CONFLICT (device_id, boot) DO UPDATE SET max_device_seq = MAX(max_device_seq, excluded.max_device_seq)`);
    this.#prune = db.prepare(`DELETE FROM presses WHERE id IN (SELECT id FROM (${oldPresses}))`);
  }

  /** Dedup on (deviceId, boot, seq), pruned presses included. */
  exists(key: { deviceId: string; boot: string; deviceSeq: number }): boolean {
    return this.#exists.get(key) !== undefined;
  }

  insert(row: PressRow): void {
    this.#insert.run(row);
  }

  afterRenumber(fromSeq: number, offset: number): void {
    this.#followRenumber.run(offset, fromSeq);
  }

  pruneSynced(ackedThroughSeq: number, beforeMs: number, limit: number): number {
    this.#watermark.run(ackedThroughSeq, beforeMs, limit);
    return this.#prune.run(ackedThroughSeq, beforeMs, limit).changes;
  }
}
