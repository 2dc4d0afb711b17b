import type { Database, Statement } from 'better-sqlite3';

/** Raw payload bytes kept per quarantined message; the full length is recorded too. */
export const QUARANTINE_PAYLOAD_LIMIT = 4096;

export interface QuarantineRecord {
  receivedAt: number;
  deviceId: string | null;
  topic: string;
  reason: string;
  detail: string;
  payload: Buffer;
  /** The payload's full length when `payload` is only its start; else payload.length. */
  payloadBytes?: number;
}

/**
 * Messages the hub acknowledged but could not accept are kept here, raw and counted,
 * never silently dropped (invariant 3) and never retried forever by the sender.
 */
export class Quarantine {
  readonly #insert: Statement<[number, string | null, string, string, string, number, Buffer]>;

  constructor(db: Database) {
    this.#insert = db.prepare('INSERT INTO quarantine (received_at, device_id, topic, reason, detail, payload_bytes, payload) VALUES (?, ?, ?, ?, ?, ?, ?)');
  }

  /** Call inside a transaction. */
  put(record: QuarantineRecord): void {
    this.#insert.run(
      record.receivedAt,
      record.deviceId,
      record.topic.slice(0, 512),
      record.reason,
      record.detail.slice(0, 1000),
      record.payloadBytes ?? record.payload.length,
      record.payload.subarray(0, QUARANTINE_PAYLOAD_LIMIT),
    );
  }

}
