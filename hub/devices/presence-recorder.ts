import type { DomainEvent } from '../../protocol/events/envelope.ts';
import type { TelemetryMessage } from '../../protocol/messages/telemetry.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { EventBus } from '../event-bus.ts';
import type { Logger } from '../logger.ts';
import type { StoreWriter } from '../store/writer/store-writer.ts';

export interface PresenceChange {
  deviceId: string;
  presence: 'online' | 'offline';
  at: number;
  fw: string | null;
  boot: string | null;
  event: DomainEvent;
}

interface DeviceRecord {
  /** The presence last written to the store, and when. */
  writtenState: 'online' | 'offline' | null;
  writtenAt: number;
  pending: PresenceChange | null;
  cancelTimer: (() => void) | null;
  telemetryAt: number;
  pendingTelemetry: { telemetry: TelemetryMessage; json: string; at: number } | null;
  cancelTelemetryTimer: (() => void) | null;
}

/**
 * Writes presence changes (outbox events) and telemetry to the store, paced per
 * device. Devices are untrusted (invariant 4): one that flaps or floods its status or
 * telemetry topic must not fill the outbox or starve ingest. A presence change within
 * `minIntervalMs` of the last one written waits, and only the state it settles on is
 * written (a reconnect blip leaves no trace); telemetry, a last-value reading, is
 * written at most once per `telemetryIntervalMs`, the newest winning.
 */
export class PresenceRecorder {
  readonly #devices = new Map<string, DeviceRecord>();
  readonly #writer: StoreWriter;
  readonly #clock: Clock;
  readonly #bus: EventBus;
  readonly #log: Logger;
  readonly #minIntervalMs: number;
  readonly #telemetryIntervalMs: number;

  constructor(options: { writer: StoreWriter; clock: Clock; bus: EventBus; log: Logger; minIntervalMs?: number; telemetryIntervalMs?: number }) {
    this.#writer = options.writer;
    this.#clock = options.clock;
    this.#bus = options.bus;
    this.#log = options.log;
    this.#minIntervalMs = options.minIntervalMs ?? 5_000;
    this.#telemetryIntervalMs = options.telemetryIntervalMs ?? 10_000;
  }

  /** Writes `change` now, unpaced (start-up reconciliation); resolves once committed. */
  recordNow(change: PresenceChange): Promise<void> {
    return new Promise((resolve) => this.#write(this.#device(change.deviceId), change, resolve));
  }

  record(change: PresenceChange): void {
    const device = this.#device(change.deviceId);
    const wait = device.writtenAt + this.#minIntervalMs - this.#clock.now();
    if (device.cancelTimer === null && wait <= 0) return this.#write(device, change);
    device.pending = change;
    device.cancelTimer ??= this.#clock.setTimer(() => this.#settle(device), wait);
  }

  telemetry(deviceId: string, telemetry: TelemetryMessage, json: string): void {
    const device = this.#device(deviceId);
    const at = this.#clock.now();
    device.pendingTelemetry = { telemetry, json, at };
    const wait = device.telemetryAt + this.#telemetryIntervalMs - at;
    if (device.cancelTelemetryTimer === null && wait <= 0) return this.#writeTelemetry(deviceId, device);
    device.cancelTelemetryTimer ??= this.#clock.setTimer(() => {
      device.cancelTelemetryTimer = null;
      this.#writeTelemetry(deviceId, device);
    }, wait);
  }

  /** Writes what is waiting now (hub stopping), before the store writer stops. */
  flush(): void {
    for (const [deviceId, device] of this.#devices) {
      if (device.cancelTimer) {
        device.cancelTimer();
        this.#settle(device);
      }
      if (device.cancelTelemetryTimer) {
        device.cancelTelemetryTimer();
        device.cancelTelemetryTimer = null;
        this.#writeTelemetry(deviceId, device);
      }
    }
  }

  #settle(device: DeviceRecord): void {
    device.cancelTimer = null;
    const change = device.pending;
    device.pending = null;
    if (change && change.presence !== device.writtenState) this.#write(device, change);
  }

  #write(device: DeviceRecord, change: PresenceChange, written?: () => void): void {
    device.writtenState = change.presence;
    device.writtenAt = this.#clock.now();
    const { deviceId, presence, at, fw, boot, event } = change;
    this.#writer.submit({ kind: 'presence', deviceId, presence, atMs: at, fw, boot, event }, (error) => {
      if (error) this.#log.error({ err: error, deviceId }, 'presence change not stored');
      else this.#bus.emit('device.presenceStored', { deviceId, online: presence === 'online', at });
      written?.();
    });
  }

  #writeTelemetry(deviceId: string, device: DeviceRecord): void {
    const pending = device.pendingTelemetry;
    if (!pending) return;
    device.pendingTelemetry = null;
    device.telemetryAt = this.#clock.now();
    this.#writer.submit({ kind: 'telemetry', deviceId, atMs: pending.at, json: pending.json }, (error) => {
      if (error) this.#log.warn({ err: error, deviceId }, 'telemetry not stored');
      else this.#bus.emit('device.telemetry', { deviceId, telemetry: pending.telemetry, at: pending.at });
    });
  }

  #device(deviceId: string): DeviceRecord {
    let device = this.#devices.get(deviceId);
    if (!device) {
      device = { writtenState: null, writtenAt: -Infinity, pending: null, cancelTimer: null, telemetryAt: -Infinity, pendingTelemetry: null, cancelTelemetryTimer: null };
      this.#devices.set(deviceId, device);
    }
    return device;
  }
}
