import type { Database } from 'better-sqlite3';
import type { OfflineReason } from '../../protocol/events/device.ts';
import type { DeviceStatusMessage } from '../../protocol/messages/status.ts';
import type { TelemetryMessage } from '../../protocol/messages/telemetry.ts';
import type { Clock } from '../clock.ts';
import type { EventBus } from '../event-bus.ts';
import type { Logger } from '../logger.ts';
import type { DomainEvent } from '../../protocol/events/envelope.ts';
import type { StoreWriter } from '../store/writer/store-writer.ts';

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
 * the device is never marked offline by its own reconnect (ARCHITECTURE, known traps).
 */
export class PresenceTracker {
  readonly #connections = new Map<string, Connection>();
  readonly #writer: StoreWriter;
  readonly #clock: Clock;
  readonly #bus: EventBus;
  readonly #log: Logger;

  constructor(options: { writer: StoreWriter; clock: Clock; bus: EventBus; log: Logger }) {
    this.#writer = options.writer;
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
    const written: Array<Promise<void>> = [];
    for (const { deviceId } of stale) {
      const counterId = (counterOf.get(deviceId) as { counterId: string } | undefined)?.counterId;
      if (counterId) written.push(new Promise((resolve) => this.#recordOffline(deviceId, counterId, 'hub_restart', resolve)));
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

  /** The counter the device was at when it connected (kept after a revoke). */
  counterOf(deviceId: string): string | undefined {
    return this.#connections.get(deviceId)?.counterId;
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

  telemetry(deviceId: string, telemetry: TelemetryMessage): void {
    const at = this.#clock.now();
    this.#writer.submit({ kind: 'telemetry', deviceId, atMs: at, json: JSON.stringify(telemetry) }, (error) => {
      if (error) this.#log.warn({ err: error, deviceId }, 'telemetry not stored');
      else this.#bus.emit('device.telemetry', { deviceId, telemetry, at });
    });
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
    const at = this.#clock.now();
    const data = { deviceId, counterId: connection.counterId, fw: connection.fw, boot: connection.boot };
    this.#write(deviceId, at, 'online', { type: 'device.online', data }, connection.fw, connection.boot);
  }

  #recordOffline(deviceId: string, counterId: string, reason: OfflineReason, written?: () => void): void {
    const at = this.#clock.now();
    this.#write(deviceId, at, 'offline', { type: 'device.offline', data: { deviceId, counterId, reason } }, null, null, written);
  }

  #write(
    deviceId: string,
    at: number,
    presence: 'online' | 'offline',
    event: DomainEvent,
    fw: string | null,
    boot: string | null,
    written?: () => void,
  ): void {
    this.#log.info({ deviceId, presence, reason: event.type === 'device.offline' ? event.data.reason : undefined }, `device ${presence}`);
    this.#writer.submit({ kind: 'presence', deviceId, presence, atMs: at, fw, boot, event }, (error) => {
      if (error) this.#log.error({ err: error, deviceId }, 'presence change not stored');
      else this.#bus.emit('device.presence', { deviceId, online: presence === 'online', at });
      written?.();
    });
  }
}
