import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { randomBytes } from 'node:crypto';
import { deviceTopic } from '../../protocol/topics.ts';
import type { PressMessage } from '../../protocol/messages/press.ts';
import { withDeadline, WAIT_MS } from './deadline.ts';

export interface DeviceCredentials {
  deviceId: string;
  password: string;
}

/** A real mqtt.js client logged in as a device (client id = username = device id). */
export function connectDevice(port: number, credentials: DeviceCredentials, options: IClientOptions = {}): Promise<MqttClient> {
  const connected = mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    clientId: credentials.deviceId,
    username: credentials.deviceId,
    password: credentials.password,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...options,
  });
  return withDeadline(connected, WAIT_MS, `device ${credentials.deviceId} to connect to the broker on port ${port}`);
}

export function newBootId(): string {
  return randomBytes(8).toString('hex');
}

/** Publishes a press at QoS 1; resolves on PUBACK. */
export function publishPress(client: MqttClient, centreId: string, deviceId: string, press: PressMessage): Promise<unknown> {
  return withDeadline(client.publishAsync(deviceTopic(centreId, deviceId, 'press'), JSON.stringify(press), { qos: 1 }), WAIT_MS, `PUBACK for press seq ${press.seq} of ${deviceId}`);
}

/** Resolves when the client's connection closes (e.g. the broker dropped it). */
export function closed(client: MqttClient): Promise<void> {
  return withDeadline(new Promise<void>((resolve) => client.once('close', () => resolve())), WAIT_MS, `the MQTT connection of ${client.options.clientId ?? 'a client'} to close`);
}

/**
 * An honest uptime for tests that send many presses quickly: the device booted
 * `agoMs` ago (about 11.5 days by default), so presses a few seconds apart in uptime
 * are its journal, sent now, and `sentUpMs` advances with real (or the given) time,
 * which is what the hub checks (docs/security.md, "Device clocks"). A device whose
 * uptime outran the clock would have its presses refused.
 */
export function uptimeSince(agoMs = 1_000_000_000, now: () => number = () => performance.now()): () => number {
  const start = now();
  return () => agoMs + Math.floor(now() - start);
}
