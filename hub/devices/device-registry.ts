import type { Database } from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import type { Clock } from '../../runtime/clock.ts';
import { readMeta } from '../store/database.ts';
import type { Logger } from '../logger.ts';
import type { DeviceRecord, DeviceStore } from './device-store.ts';
import type { HubPart } from '../part.ts';

export interface ActiveDevice {
  deviceId: string;
  counterId: string;
  secretDigest: Buffer;
}

export type DeviceChange =
  | { kind: 'added'; device: ActiveDevice }
  | { kind: 'removed'; deviceId: string; counterId: string }
  | { kind: 'moved'; device: ActiveDevice; fromCounterId: string }
  | { kind: 'rekeyed'; device: ActiveDevice };

interface RegistryEvents {
  change: [DeviceChange];
}

/**
 * The hub's in-memory view of the provisioned devices, so authentication never
 * touches the disk. CLI commands write the database from another process; every
 * change to the devices table bumps `meta.devices_version` (a trigger, migration
 * 002), which the registry polls, applying the difference well within the
 * contract's second.
 */
export class DeviceRegistry extends EventEmitter<RegistryEvents> implements HubPart {
  #devices = new Map<string, ActiveDevice>();
  #version = '';
  #cancelPoll: (() => void) | null = null;
  readonly #db: Database;
  readonly #store: DeviceStore;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #pollMs: number;

  constructor(options: { db: Database; store: DeviceStore; clock: Clock; log: Logger; pollMs?: number }) {
    super();
    this.#db = options.db;
    this.#store = options.store;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#pollMs = options.pollMs ?? 250;
  }

  start(): void {
    this.refresh();
    this.#cancelPoll = this.#clock.setRepeating(() => this.#poll(), this.#pollMs);
  }

  stop(): void {
    this.#cancelPoll?.();
    this.#cancelPoll = null;
  }

  get(deviceId: string): ActiveDevice | undefined {
    return this.#devices.get(deviceId);
  }

  all(): ActiveDevice[] {
    return [...this.#devices.values()];
  }

  get size(): number {
    return this.#devices.size;
  }

  /** Re-reads the devices table and emits one change per difference. */
  refresh(): void {
    this.#version = this.#readVersion();
    const next = new Map<string, ActiveDevice>();
    for (const record of this.#store.list()) {
      if (record.revokedAt === null) next.set(record.deviceId, toActive(record));
    }
    const changes: DeviceChange[] = [];
    for (const [deviceId, before] of this.#devices) {
      const after = next.get(deviceId);
      if (!after) changes.push({ kind: 'removed', deviceId, counterId: before.counterId });
      else {
        if (!after.secretDigest.equals(before.secretDigest)) changes.push({ kind: 'rekeyed', device: after });
        if (after.counterId !== before.counterId) changes.push({ kind: 'moved', device: after, fromCounterId: before.counterId });
      }
    }
    for (const [deviceId, after] of next) {
      if (!this.#devices.has(deviceId)) changes.push({ kind: 'added', device: after });
    }
    this.#devices = next;
    for (const change of changes) {
      this.#log.info({ change: change.kind, deviceId: 'device' in change ? change.device.deviceId : change.deviceId }, 'device registry changed');
      this.emit('change', change);
    }
  }

  #poll(): void {
    try {
      if (this.#readVersion() !== this.#version) this.refresh();
    } catch (error) {
      this.#log.error({ err: error }, 'device registry refresh failed; will retry');
    }
  }

  #readVersion(): string {
    return readMeta(this.#db, 'devices_version') ?? '';
  }
}

function toActive(record: DeviceRecord): ActiveDevice {
  return { deviceId: record.deviceId, counterId: record.counterId, secretDigest: record.secretDigest };
}
