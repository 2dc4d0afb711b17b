import { Aedes, type AedesOptions, type Client } from 'aedes';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../logger.ts';
import { listenWithFallback } from '../net/listen.ts';
import { MqttFrameScanner } from './packet-size-guard.ts';

export type BrokerHooks = Required<Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'>>;

export interface MqttServerOptions {
  host: string;
  port: number;
  explicitPort: boolean;
  maxPacketBytes: number;
  hooks: BrokerHooks;
  log: Logger;
  /** A connection was closed because a packet exceeded `maxPacketBytes`. */
  onPacketTooLarge(remote: string, remainingLength: number | null): void;
  onClientDisconnect(client: Client): void;
}

/**
 * The centre's MQTT broker: aedes on a plain TCP server. Each socket is watched for
 * packet size before aedes buffers it, since aedes 1.2 sets no limit.
 */
export class MqttServer {
  #broker: Aedes | null = null;
  #server: Server | null = null;
  #port = 0;
  readonly #sockets = new Set<Socket>();
  readonly #options: MqttServerOptions;

  constructor(options: MqttServerOptions) {
    this.#options = options;
  }

  async start(): Promise<number> {
    const { hooks, log } = this.#options;
    const broker = await Aedes.createBroker({
      ...hooks,
      // A device that stops reading must not stall delivery to others for long.
      drainTimeout: 10_000,
      connectTimeout: 10_000,
    });
    broker.on('clientDisconnect', (client) => this.#options.onClientDisconnect(client));
    broker.on('clientError', (client, error) => log.debug({ clientId: client.id, err: error.message }, 'client error'));
    broker.on('connectionError', (client, error) => log.debug({ clientId: client?.id, err: error.message }, 'connection error'));
    this.#broker = broker;

    const server = createServer((socket) => this.#accept(broker, socket));
    this.#server = server;
    this.#port = await listenWithFallback(
      server,
      { what: 'MQTT', host: this.#options.host, port: this.#options.port, explicit: this.#options.explicitPort, flag: '--mqtt-port' },
      log,
    );
    return this.#port;
  }

  get port(): number {
    return this.#port;
  }

  get connections(): number {
    return this.#sockets.size;
  }

  /** Publishes from the hub itself (no authorizePublish: the hub is trusted). */
  publish(topic: string, payload: string, options: { qos: 0 | 1; retain: boolean }): Promise<void> {
    const broker = this.#broker;
    if (!broker) return Promise.reject(new Error('broker not started'));
    return new Promise((resolve, reject) => {
      broker.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: options.qos, retain: options.retain, dup: false }, (error) =>
        error ? reject(error) : resolve(),
      );
    });
  }

  /** Drops a client's connection (revoked or re-keyed device). */
  disconnect(clientId: string): boolean {
    // `clients` is public in aedes but missing from its type declarations.
    const clients = (this.#broker as unknown as { clients?: Record<string, Client> } | null)?.clients;
    const client = clients?.[clientId];
    if (!client) return false;
    client.close();
    return true;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    const broker = this.#broker;
    this.#server = null;
    this.#broker = null;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const socket of this.#sockets) socket.destroy();
      await closed;
    }
  }

  #accept(broker: Aedes, socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    socket.setNoDelay(true);
    broker.handle(socket);
    // aedes reads in paused mode ('readable' + read()); a 'data' listener added after
    // it sees each chunk as aedes reads it, before aedes parses it.
    const scanner = new MqttFrameScanner(this.#options.maxPacketBytes);
    socket.on('data', (chunk: Buffer) => {
      const result = scanner.feed(chunk);
      if (result.ok) return;
      this.#options.onPacketTooLarge(`${socket.remoteAddress}:${socket.remotePort}`, result.reason === 'too_large' ? result.remainingLength : null);
      socket.destroy();
    });
  }
}
