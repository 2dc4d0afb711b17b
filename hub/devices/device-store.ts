import type { Database } from 'better-sqlite3';
import { isId } from '../../protocol/ids.ts';
import type { Clock } from '../../runtime/clock.ts';
import { HubError } from '../errors.ts';
import { digestSecret, generateSecret } from './credentials.ts';

export interface DeviceRecord {
  deviceId: string;
  counterId: string;
  secretDigest: Buffer;
  createdAt: number;
  updatedAt: number;
  revokedAt: number | null;
}

export interface IssuedCredentials {
  deviceId: string;
  username: string;
  password: string;
  counterId: string;
}

interface DeviceRow {
  device_id: string;
  counter_id: string;
  secret_sha256: Buffer;
  created_at: number;
  updated_at: number;
  revoked_at: number | null;
}

/**
 * Device provisioning records. Used by the CLI (another process, while the hub runs)
 * and read by the hub's device registry. Each write is one short IMMEDIATE
 * transaction so the running hub never waits long behind it.
 */
export class DeviceStore {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /**
   * Issues credentials for a new device, or re-issues them for a revoked one. The
   * password is returned once and only its digest is stored.
   */
  add(deviceId: string, counterId: string, validCounters: ReadonlySet<string>): IssuedCredentials {
    assertId('device id', deviceId);
    // `pair` is the pairing clients' username and `pair-…` their client ids (docs/device-contract.md, "Pairing").
    if (deviceId === 'pair' || deviceId.startsWith('pair-')) {
      throw new HubError('id_invalid', `device id "${deviceId}" is reserved for pairing clients; choose another (e.g. eifd-07)`);
    }
    assertCounter(counterId, validCounters);
    const password = generateSecret();
    const now = this.#clock.now();
    this.#db.transaction(() => {
      const existing = this.get(deviceId);
      if (existing && existing.revokedAt === null) {
        throw new HubError('device_exists', `device "${deviceId}" already exists (counter ${existing.counterId}); use "device rekey" for new credentials or "device move" to change its counter`);
      }
      this.#db
        .prepare(`INSERT INTO devices (device_id, counter_id, secret_sha256, created_at, updated_at, revoked_at)
                  VALUES (?, ?, ?, ?, ?, NULL)
                  ON CONFLICT (device_id) DO UPDATE SET counter_id = excluded.counter_id, secret_sha256 = excluded.secret_sha256,
                    updated_at = excluded.updated_at, revoked_at = NULL`)
        .run(deviceId, counterId, digestSecret(password), now, now);
    }).immediate();
    return { deviceId, username: deviceId, password, counterId };
  }

  /** New secret for an active device; its current connection is dropped by the hub. */
  rekey(deviceId: string): IssuedCredentials {
    const password = generateSecret();
    const device = this.#updateActive(deviceId, 'UPDATE devices SET secret_sha256 = ?, updated_at = ? WHERE device_id = ?', [digestSecret(password)]);
    return { deviceId, username: deviceId, password, counterId: device.counterId };
  }

  revoke(deviceId: string): DeviceRecord {
    return this.#updateActive(deviceId, 'UPDATE devices SET revoked_at = ?, updated_at = ? WHERE device_id = ?', [this.#clock.now()]);
  }

  move(deviceId: string, counterId: string, validCounters: ReadonlySet<string>): DeviceRecord {
    assertCounter(counterId, validCounters);
    return this.#updateActive(deviceId, 'UPDATE devices SET counter_id = ?, updated_at = ? WHERE device_id = ?', [counterId]);
  }

  get(deviceId: string): DeviceRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM devices WHERE device_id = ?').get(deviceId) as DeviceRow | undefined;
    return row && toRecord(row);
  }

  list(): DeviceRecord[] {
    return (this.#db.prepare('SELECT * FROM devices ORDER BY device_id').all() as DeviceRow[]).map(toRecord);
  }

  #updateActive(deviceId: string, sql: string, leading: unknown[]): DeviceRecord {
    return this.#db.transaction(() => {
      const existing = this.get(deviceId);
      if (!existing || existing.revokedAt !== null) {
        throw new HubError('device_unknown', `no active device "${deviceId}"; "device list" shows the provisioned devices`);
      }
      this.#db.prepare(sql).run(...leading, this.#clock.now(), deviceId);
      return this.get(deviceId)!;
    }).immediate();
  }
}

/** Counters the hub runs: of its last start or live config change (empty before its first start). */
export function readCentreCounters(db: Database): Set<string> {
  return new Set((db.prepare('SELECT counter_id FROM centre_counters').all() as { counter_id: string }[]).map((r) => r.counter_id));
}

export function writeCentreCounters(db: Database, counters: ReadonlyArray<{ id: string; label: string; lockoutMs?: number | undefined }>): void {
  db.transaction(() => {
    db.prepare('DELETE FROM centre_counters').run();
    const insert = db.prepare('INSERT INTO centre_counters (counter_id, label, lockout_ms) VALUES (?, ?, ?)');
    for (const counter of counters) insert.run(counter.id, counter.label, counter.lockoutMs ?? null);
  }).immediate();
}

function toRecord(row: DeviceRow): DeviceRecord {
  return {
    deviceId: row.device_id,
    counterId: row.counter_id,
    secretDigest: row.secret_sha256,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    revokedAt: row.revoked_at,
  };
}

function assertId(what: string, value: string): void {
  if (!isId(value)) throw new HubError('id_invalid', `${what} "${value}" must match ^[a-z0-9][a-z0-9-]{0,31}$ (lower-case letters, digits, dashes)`);
}

function assertCounter(counterId: string, valid: ReadonlySet<string>): void {
  assertId('counter id', counterId);
  if (!valid.has(counterId)) {
    throw new HubError('counter_unknown', `unknown counter "${counterId}"; this centre has: ${[...valid].sort().join(', ')}`);
  }
}
