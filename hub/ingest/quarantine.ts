import type { Database, Statement } from 'better-sqlite3';

/** Raw payload bytes kept per quarantined message; the full length is recorded too. */
export const QUARANTINE_PAYLOAD_LIMIT = 4096;
/** Raw messages kept per device per minute; past that they are only counted. */
export const QUARANTINE_PER_DEVICE_PER_MINUTE = 60;

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
/** A quarantined message as technicians see it. */
export interface QuarantinedMessage {
  id: number;
  receivedAt: number;
  deviceId: string | null;
  topic: string;
  reason: string;
  detail: string;
  payloadBytes: number;
  payload: Buffer;
}

/** The newest `limit` quarantined messages, newest first. */
export function readQuarantine(db: Database, limit: number): QuarantinedMessage[] {
  return db
    .prepare('SELECT id, received_at AS receivedAt, device_id AS deviceId, topic, reason, detail, payload_bytes AS payloadBytes, payload FROM quarantine ORDER BY id DESC LIMIT ?')
    .all(limit) as QuarantinedMessage[];
}

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

/**
 * Whether one more message of a device may be kept raw this minute, so a device
 * spewing garbage cannot fill the disk through the quarantine table (the rest is
 * counted as `quarantine.not_kept`).
 */
export class QuarantineKeepCap {
  readonly #window = new Map<string, { minute: number; count: number }>();

  allows(deviceId: string, nowMs: number): boolean {
    const minute = Math.floor(nowMs / 60_000);
    const entry = this.#window.get(deviceId);
    if (!entry || entry.minute !== minute) {
      this.#window.set(deviceId, { minute, count: 1 });
      return true;
    }
    entry.count++;
    return entry.count <= QUARANTINE_PER_DEVICE_PER_MINUTE;
  }
}
