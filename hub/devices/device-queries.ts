import type { Database, Statement } from 'better-sqlite3';

/** A provisioned device with its last known state (table `devices` joined with `device_state`). */
export interface DeviceStateRow {
  deviceId: string;
  counterId: string;
  createdAt: number;
  revokedAt: number | null;
  /** When its presence last changed (null: never seen). */
  since: number | null;
  fw: string | null;
  boot: string | null;
  /** The last telemetry as sent (JSON text). */
  telemetry: string | null;
  telemetryAt: number | null;
}

/** Reads of the devices feature's tables, for routes and the technician console. */
export class DeviceQueries {
  readonly #list: Statement<[]>;
  readonly #active: Statement<[string]>;

  constructor(db: Database) {
    this.#list = db.prepare(`SELECT d.device_id AS deviceId, d.counter_id AS counterId, d.created_at AS createdAt, d.revoked_at AS revokedAt,
        s.since, s.fw, s.boot, s.telemetry, s.telemetry_at AS telemetryAt
      FROM devices d LEFT JOIN device_state s ON s.device_id = d.device_id ORDER BY d.device_id`);
    this.#active = db.prepare('SELECT 1 FROM devices WHERE device_id = ? AND revoked_at IS NULL');
  }

  /** Provisioned and not revoked. */
  isActive(deviceId: string): boolean {
    return this.#active.get(deviceId) !== undefined;
  }

  /** Every provisioned device, revoked ones included, by id. */
  list(): DeviceStateRow[] {
    return this.#list.all() as DeviceStateRow[];
  }
}
