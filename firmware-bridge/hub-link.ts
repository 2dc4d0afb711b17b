import { EventEmitter } from 'node:events';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { DeviceCommandMessage, type DeviceCommandResultMessage } from '../protocol/messages/command.ts';
import { DeviceConfigMessage } from '../protocol/messages/config.ts';
import type { PressMessage } from '../protocol/messages/press.ts';
import type { DeviceStatusMessage } from '../protocol/messages/status.ts';
import type { TelemetryMessage } from '../protocol/messages/telemetry.ts';
import { deviceTopic } from '../protocol/topics.ts';
import { ExponentialBackoff } from '../runtime/backoff.ts';
import type { BridgeClock } from './clock.ts';

export interface HubLinkOptions {
  url: string;
  centreId: string;
  deviceId: string;
  password: string;
  /** The centre CA (PEM) for an mqtts:// hub: the only authority trusted (docs/security.md, "TLS"). */
  ca?: string | null;
  reconnect: { initialMs: number; maxMs: number };
  clock: BridgeClock;
  log: Logger;
}

interface HubLinkEvents {
  connected: [];
  disconnected: [];
  config: [DeviceConfigMessage];
  command: [DeviceCommandMessage | { invalid: string; id: string | null }];
}

/** How long a clean stop waits for the hub to take the `offline` status. */
const STOP_GRACE_MS = 2000;

/** The hub's address without any credentials, for logs. */
function hubForLogs(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}

const OFFLINE = JSON.stringify({ state: 'offline' } satisfies DeviceStatusMessage);

/**
 * One device's MQTT session with the hub (wire contract v1): username = client id =
 * device id, last will = retained `offline` status. Every connection attempt uses a
 * fresh mqtt.js client and a dropped one is ended with its in-flight publishes failed:
 * mqtt.js would otherwise resend them itself with the `sentUpMs` of the first try
 * (the hub would misdate the vote by the outage), and it only knows a fixed
 * reconnect period, where we want jittered exponential backoff capped at 5 s.
 * Durability lives in the press journal, not in mqtt.js's in-memory store.
 */
export class HubLink extends EventEmitter<HubLinkEvents> {
  readonly #options: HubLinkOptions;
  readonly #backoff: ExponentialBackoff;
  #client: MqttClient | null = null;
  #connected = false;
  #stopped = true;
  #cancelRetry: (() => void) | null = null;
  #lastError: string | null = null;

  constructor(options: HubLinkOptions) {
    super();
    this.#options = options;
    this.#backoff = new ExponentialBackoff(options.reconnect);
  }

  get connected(): boolean {
    return this.#connected;
  }

  start(): void {
    this.#stopped = false;
    this.#connect();
  }

  /** Says `offline` (retained) if connected, then disconnects; no will is sent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelRetry?.();
    const client = this.#client;
    this.#client = null;
    const wasConnected = this.#connected;
    this.#connected = false;
    if (!client) return;
    if (wasConnected) {
      // A hub that drops us mid-goodbye must not hold the shutdown: bounded, then forced.
      const polite = (async () => {
        await client.publishAsync(this.#topic('status'), OFFLINE, { qos: 1, retain: true });
        await client.endAsync();
      })().catch(() => undefined);
      const gaveUp = await Promise.race([polite.then(() => false), new Promise<boolean>((resolve) => this.#options.clock.setTimer(() => resolve(true), STOP_GRACE_MS))]);
      if (!gaveUp) return;
    }
    await client.endAsync(true).catch(() => undefined);
  }

  /** Resolves on the hub's PUBACK; rejects when not connected or the link drops first. */
  publishPress(press: PressMessage): Promise<void> {
    return this.#publish('press', JSON.stringify(press), 1, false);
  }

  publishStatus(status: DeviceStatusMessage): Promise<void> {
    return this.#publish('status', JSON.stringify(status), 1, true);
  }

  publishTelemetry(telemetry: TelemetryMessage): Promise<void> {
    return this.#publish('telemetry', JSON.stringify(telemetry), 0, false);
  }

  publishCommandResult(result: DeviceCommandResultMessage): Promise<void> {
    return this.#publish('cmd/result', JSON.stringify(result), 1, false);
  }

  #publish(kind: 'press' | 'status' | 'telemetry' | 'cmd/result', payload: string, qos: 0 | 1, retain: boolean): Promise<void> {
    const client = this.#client;
    if (!client || !this.#connected) return Promise.reject(new Error('not connected to the hub'));
    return new Promise((resolve, reject) => {
      client.publish(this.#topic(kind), payload, { qos, retain }, (error) => (error ? reject(error) : resolve()));
    });
  }

  #topic(kind: Parameters<typeof deviceTopic>[2]): string {
    return deviceTopic(this.#options.centreId, this.#options.deviceId, kind);
  }

  #connect(): void {
    const { url, deviceId, password, log, ca } = this.#options;
    const hub = hubForLogs(url);
    const client = mqtt.connect(url, {
      // Pinned: `ca` replaces the system's roots, so only a certificate the centre CA
      // signed is accepted. The name is not checked: counter hosts reach the hub by
      // whatever address the LAN gives it, and the private CA is the identity.
      ...(ca && { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined }),
      clientId: deviceId,
      username: deviceId,
      password,
      clean: true,
      keepalive: 15,
      connectTimeout: 5000,
      // We reconnect ourselves, with a fresh client (see the class comment).
      reconnectPeriod: 0,
      will: { topic: this.#topic('status'), payload: Buffer.from(OFFLINE), qos: 1, retain: true },
    });
    this.#client = client;
    client.on('connect', () => {
      this.#backoff.reset();
      this.#lastError = null;
      client.subscribe([this.#topic('config'), this.#topic('cmd')], { qos: 1 }, (error) => {
        if (error) log.error({ err: error }, 'hub refused the config/cmd subscription');
      });
      this.#connected = true;
      log.info({ hub }, 'connected to the hub');
      this.emit('connected');
    });
    client.on('message', (topic, payload) => this.#onMessage(topic, payload));
    client.on('error', (error) => {
      // Log each distinct cause once per outage, not once per retry.
      if (error.message !== this.#lastError) log.warn({ err: error.message, hub }, 'hub connection failed; retrying with backoff');
      this.#lastError = error.message;
    });
    client.on('close', () => {
      if (this.#client !== client) return;
      this.#client = null;
      const wasConnected = this.#connected;
      this.#connected = false;
      // Fails every in-flight publish ("Connection closed"): the journal resends them.
      client.end(true);
      if (wasConnected) {
        log.warn({ hub }, 'lost the hub connection');
        this.emit('disconnected');
      }
      if (this.#stopped) return;
      const delay = this.#backoff.next();
      this.#cancelRetry = this.#options.clock.setTimer(() => {
        this.#cancelRetry = null;
        if (!this.#stopped) this.#connect();
      }, delay);
    });
  }

  #onMessage(topic: string, payload: Buffer): void {
    const { log } = this.#options;
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      log.warn({ topic }, 'ignored a hub message that is not JSON');
      return;
    }
    if (topic === this.#topic('config')) {
      const parsed = DeviceConfigMessage.safeParse(body);
      if (parsed.success) this.emit('config', parsed.data);
      else log.warn({ issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }, 'ignored an invalid config from the hub');
    } else if (topic === this.#topic('cmd')) {
      const parsed = DeviceCommandMessage.safeParse(body);
      if (parsed.success) this.emit('command', parsed.data);
      else {
        const id = typeof (body as { id?: unknown })?.id === 'string' ? (body as { id: string }).id : null;
        this.emit('command', { invalid: parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; '), id });
      }
    }
  }
}
