import type { Database, Statement } from 'better-sqlite3';

/** Refused messages per device and reason: count, when last, and why (for technicians). */
export interface DeviceRefusalCount {
  count: number;
  lastAt: number;
  lastDetail: string;
}

/**
 * Per-device refusal counters (table `device_refusals`), written in the writer thread
 * in the same transaction as the refusal's `rejected.<reason>` total, so a technician
 * sees which device a refusal came from and why (docs/security.md, "Device clocks").
 */
export class DeviceRefusals {
  readonly #upsert: Statement<[string, string, number, string]>;

  constructor(db: Database) {
    this.#upsert = db.prepare(`INSERT INTO device_refusals (device_id, reason, count, last_at, last_detail) VALUES (?, ?, 1, ?, ?)
      ON CONFLICT (device_id, reason) DO UPDATE SET count = count + 1, last_at = MAX(last_at, excluded.last_at), last_detail = excluded.last_detail`);
  }

  /** Call inside a transaction. */
  add(deviceId: string, reason: string, atMs: number, detail: string): void {
    this.#upsert.run(deviceId, reason, atMs, detail.slice(0, 300));
  }
}

/** Every device's refusals, keyed by device then reason. */
export function readDeviceRefusals(db: Database): Map<string, Record<string, DeviceRefusalCount>> {
  const rows = db.prepare('SELECT device_id AS deviceId, reason, count, last_at AS lastAt, last_detail AS lastDetail FROM device_refusals').all() as Array<
    DeviceRefusalCount & { deviceId: string; reason: string }
  >;
  const byDevice = new Map<string, Record<string, DeviceRefusalCount>>();
  for (const { deviceId, reason, ...count } of rows) {
    const entry = byDevice.get(deviceId) ?? Object.create(null);
    entry[reason] = count;
    byDevice.set(deviceId, entry);
  }
  return byDevice;
}
