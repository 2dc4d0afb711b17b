import type { Database } from 'better-sqlite3';
import type { OfflineReason } from '../../protocol/events/device.ts';
import type { DeviceStatusMessage } from '../../protocol/messages/status.ts';
import type { TelemetryMessage } from '../../protocol/messages/telemetry.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { EventBus } from '../event-bus.ts';
import type { Logger } from '../logger.ts';
import type { PresenceRecorder } from './presence-recorder.ts';

interface Connection {
  /** The aedes client object of the device's current connection. */
  client: object;
  counterId: string;
  online: boolean;
  fw: string | null;
  boot: string | null;
}

/**
 * Device presence from the retained status topic, the last will and the connection
 * itself. The last will belongs to one connection: when a device's new connection
 * takes its session over, the old connection's will and disconnect are ignored, so
 * the device is never marked offline by its own reconnect (docs/architecture.md, "Presence").
 */
export class PresenceTracker {
  readonly #connections = new Map<string, Connection>();
  readonly #recorder: PresenceRecorder;
  readonly #clock: Clock;
  readonly #bus: EventBus;
  readonly #log: Logger;

  constructor(options: { recorder: PresenceRecorder; clock: Clock; bus: EventBus; log: Logger }) {
    this.#recorder = options.recorder;
    this.#clock = options.clock;
    this.#bus = options.bus;
    this.#log = options.log;
  }

  /**
   * After a hub crash the stored presence may still say online; those devices are
   * offline until they say otherwise on a new connection.
   */
  async reconcileAfterRestart(db: Database): Promise<void> {
    const stale = db.prepare("SELECT device_id AS deviceId FROM device_state WHERE presence = 'online'").all() as { deviceId: string }[];
    const counterOf = db.prepare('SELECT counter_id AS counterId FROM devices WHERE device_id = ?');
    const at = this.#clock.now();
    const written: Array<Promise<void>> = [];
    for (const { deviceId } of stale) {
      const counterId = (counterOf.get(deviceId) as { counterId: string } | undefined)?.counterId;
      if (!counterId) continue;
      const event = { type: 'device.offline' as const, data: { deviceId, counterId, reason: 'hub_restart' as const } };
      written.push(this.#recorder.recordNow({ deviceId, presence: 'offline', at, fw: null, boot: null, event }));
    }
    await Promise.all(written);
  }

  /** A device authenticated: this connection is now its current one. */
  claim(deviceId: string, counterId: string, client: object): void {
    const previous = this.#connections.get(deviceId);
    this.#connections.set(deviceId, {
      client,
      counterId,
      online: previous?.online ?? false,
      fw: previous?.fw ?? null,
      boot: previous?.boot ?? null,
    });
  }

  isConnected(deviceId: string): boolean {
    return this.#connections.has(deviceId);
  }

  isCurrent(deviceId: string, client: object): boolean {
    return this.#connections.get(deviceId)?.client === client;
  }

  status(deviceId: string, client: object, message: DeviceStatusMessage, viaWill: boolean): void {
    const connection = this.#connections.get(deviceId);
    if (!connection || connection.client !== client) return;
    if (message.fw !== undefined) connection.fw = message.fw;
    if (message.boot !== undefined) connection.boot = message.boot;
    if (message.state === 'online' && !connection.online) {
      connection.online = true;
      this.#recordOnline(deviceId, connection);
    } else if (message.state === 'offline' && connection.online) {
      connection.online = false;
      this.#recordOffline(deviceId, connection.counterId, viaWill ? 'will' : 'status');
    }
  }

  /** The connection closed; only the current connection's close counts. */
  disconnected(deviceId: string, client: object): void {
    const connection = this.#connections.get(deviceId);
    if (!connection || connection.client !== client) return;
    this.#connections.delete(deviceId);
    if (connection.online) this.#recordOffline(deviceId, connection.counterId, 'disconnect');
  }

  /** The device was revoked; the broker drops its connection. */
  revoked(deviceId: string): void {
    const connection = this.#connections.get(deviceId);
    if (!connection) return;
    this.#connections.delete(deviceId);
    if (connection.online) this.#recordOffline(deviceId, connection.counterId, 'revoked');
  }

  moved(deviceId: string, counterId: string): void {
    const connection = this.#connections.get(deviceId);
    if (connection) connection.counterId = counterId;
  }

  telemetry(deviceId: string, telemetry: TelemetryMessage, json: string): void {
    this.#recorder.telemetry(deviceId, telemetry, json);
  }

  isOnline(deviceId: string): boolean {
    return this.#connections.get(deviceId)?.online ?? false;
  }

  get onlineCount(): number {
    let n = 0;
    for (const connection of this.#connections.values()) if (connection.online) n++;
    return n;
  }

  get connectedCount(): number {
    return this.#connections.size;
  }

  #recordOnline(deviceId: string, connection: Connection): void {
    const data = { deviceId, counterId: connection.counterId, fw: connection.fw, boot: connection.boot };
    const at = this.#clock.now();
    this.#log.info({ deviceId }, 'device online');
    this.#bus.emit('device.presence', { deviceId, online: true, at });
    this.#recorder.record({ deviceId, presence: 'online', at, fw: connection.fw, boot: connection.boot, event: { type: 'device.online', data } });
  }

  #recordOffline(deviceId: string, counterId: string, reason: OfflineReason): void {
    const at = this.#clock.now();
    this.#log.info({ deviceId, reason }, 'device offline');
    this.#bus.emit('device.presence', { deviceId, online: false, at });
    this.#recorder.record({ deviceId, presence: 'offline', at, fw: null, boot: null, event: { type: 'device.offline', data: { deviceId, counterId, reason } } });
  }
}
