import { Aedes, type AedesOptions, type Client } from 'aedes';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import type { Logger } from '../logger.ts';
import { listenWithFallback } from '../../runtime/listen.ts';
import type { PortMemory } from '../../runtime/port-memory.ts';
import { MqttFrameScanner } from './packet-size-guard.ts';
import type { HubPart } from '../part.ts';

/** The errors aedes closes a connection with when a PUBLISH topic is one it never accepts. */
const AEDES_TOPIC_REFUSALS = /not allowed in PUBLISH|too many levels/;

export type BrokerHooks = Required<Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'>>;

export interface MqttServerOptions {
  host: string;
  /** The plaintext listener; null: none (TLS only). */
  port: number | null;
  explicitPort: boolean;
  /** MQTT over TLS (docs/security.md, "TLS"). */
  tls?: { port: number; explicitPort: boolean; key: string; cert: string };
  /** Keeps a fallback port across restarts (runtime/port-memory.ts). */
  portMemory?: PortMemory;
  maxPacketBytes: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
  hooks: BrokerHooks;
  log: Logger;
  /** A connection was closed because a packet exceeded `maxPacketBytes`. */
  onPacketTooLarge(remote: string, remainingLength: number | null): void;
  /** A socket was closed unread: too many connections in all or from its address. */
  onConnectionLimit(remote: string, limit: 'total' | 'per_address'): void;
  /** aedes closed a connection for a PUBLISH it refuses itself (wildcard, empty or too deep topic). */
  onBadPublishTopic(clientId: string, reason: string): void;
  onClientDisconnect(client: Client): void;
}

/** A TLS client that has not finished its handshake by then is dropped. */
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * The centre's MQTT broker: aedes on a plain TCP server, a TLS server, or both. Each
 * socket counts against the connection caps before anything is read, and is watched
 * for packet size before aedes buffers it, since aedes 1.2 sets no limit.
 */
export class MqttServer implements HubPart {
  #broker: Aedes | null = null;
  #server: Server | null = null;
  #tlsServer: TlsServer | null = null;
  #port = 0;
  #tlsPort = 0;
  readonly #sockets = new Set<Socket>();
  readonly #perAddress = new Map<string, number>();
  readonly #options: MqttServerOptions;

  constructor(options: MqttServerOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    const { hooks, log } = this.#options;
    const broker = await Aedes.createBroker({
      ...hooks,
      // A device that stops reading must not stall delivery to others for long.
      drainTimeout: 10_000,
      connectTimeout: 10_000,
    });
    broker.on('clientDisconnect', (client) => this.#options.onClientDisconnect(client));
    broker.on('clientError', (client, error) => {
      // aedes' own PUBLISH checks (lib/handlers/publish.js) close the connection before
      // authorizePublish runs; they are refusals like any other and are counted.
      if (AEDES_TOPIC_REFUSALS.test(error.message)) return this.#options.onBadPublishTopic(client.id, error.message);
      log.debug({ clientId: client.id, err: error.message }, 'client error');
    });
    broker.on('connectionError', (client, error) => log.debug({ clientId: client?.id, err: error.message }, 'connection error'));
    this.#broker = broker;

    if (this.#options.port !== null) {
      const server = createServer((socket) => {
        if (this.#admit(socket)) this.#handle(broker, socket);
      });
      this.#server = server;
      this.#port = await listenWithFallback(
        server,
        { what: 'MQTT', host: this.#options.host, port: this.#options.port, explicit: this.#options.explicitPort, flag: '--mqtt-port', memory: this.#options.portMemory },
        log,
      );
    }
    const tls = this.#options.tls;
    if (tls) {
      const server = createTlsServer({ key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2', handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS }, (socket: TLSSocket) => this.#handle(broker, socket));
      // The caps count the TCP connection, before the handshake costs anything.
      server.on('connection', (socket: Socket) => void this.#admit(socket));
      server.on('tlsClientError', (error, socket) => log.debug({ remote: socket.remoteAddress, err: error.message }, 'TLS handshake failed'));
      this.#tlsServer = server;
      this.#tlsPort = await listenWithFallback(server, { what: 'MQTT over TLS', host: this.#options.host, port: tls.port, explicit: tls.explicitPort, flag: '--mqtts-port', memory: this.#options.portMemory }, log);
    }
  }

  /** The plaintext port; 0 when only TLS is served. */
  get port(): number {
    return this.#port;
  }

  /** The TLS port; 0 without TLS. */
  get tlsPort(): number {
    return this.#tlsPort;
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
    const servers = [this.#server, this.#tlsServer].filter((s): s is Server => s !== null);
    const broker = this.#broker;
    this.#server = null;
    this.#tlsServer = null;
    this.#broker = null;
    const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await Promise.all(closed);
  }

  /** Counts a new TCP connection against the caps; over them it is closed unread. */
  #admit(socket: Socket): boolean {
    const address = socket.remoteAddress ?? 'unknown';
    const fromAddress = this.#perAddress.get(address) ?? 0;
    const limit = this.#sockets.size >= this.#options.maxConnections ? 'total' : fromAddress >= this.#options.maxConnectionsPerAddress ? 'per_address' : null;
    if (limit) {
      this.#options.onConnectionLimit(`${address}:${socket.remotePort}`, limit);
      socket.destroy();
      return false;
    }
    this.#sockets.add(socket);
    this.#perAddress.set(address, fromAddress + 1);
    socket.once('close', () => {
      this.#sockets.delete(socket);
      const left = (this.#perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.#perAddress.set(address, left);
      else this.#perAddress.delete(address);
    });
    return true;
  }

  #handle(broker: Aedes, socket: Socket): void {
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
