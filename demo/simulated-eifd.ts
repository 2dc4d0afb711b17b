import mqtt, { type MqttClient } from 'mqtt';
import { randomBytes } from 'node:crypto';
import type { PressMessage, Rating } from '../protocol/messages/press.ts';
import { deviceTopic } from '../protocol/topics.ts';
import { answerSimulatedCommand } from './simulated-commands.ts';

export interface SimulatedEifdOptions {
  brokerUrl: string;
  centreId: string;
  deviceId: string;
  password: string;
  /** Mean time between citizens' presses. */
  meanPressIntervalMs: number;
  /** Share of each rating, e.g. { 4: 0.7, 3: 0.22, 2: 0.05, 1: 0.03 }. */
  ratingShare: Record<Rating, number>;
  /** Chance that a citizen presses twice in a row (shows the misuse flag). */
  doublePressChance?: number;
  telemetryIntervalMs?: number;
}

/**
 * A four-button feedback device at the MQTT level, for the demo centre: a real
 * mqtt.js client speaking wire contract v1 (status with last will, presses at QoS 1
 * with seq/boot/upMs/sentUpMs, telemetry, config, and
 * the `identify`/`selftest` commands answered as the bridge answers them,
 * simulated-commands.ts). Simpler than the firmware bridge:
 * no offline queue of its own (mqtt.js keeps unacknowledged presses in memory and
 * resends them as they were, without restamping sentUpMs). It stands in until the
 * demo runs real bridges on emulated boards.
 */
export class SimulatedEifd {
  readonly #options: SimulatedEifdOptions;
  readonly #boot = randomBytes(8).toString('hex');
  readonly #bootedAt = Date.now();
  #client: MqttClient | null = null;
  #seq = 0;
  #timers = new Set<NodeJS.Timeout>();

  constructor(options: SimulatedEifdOptions) {
    this.#options = options;
  }

  get deviceId(): string {
    return this.#options.deviceId;
  }

  async start(): Promise<void> {
    const { brokerUrl, centreId, deviceId, password } = this.#options;
    const status = deviceTopic(centreId, deviceId, 'status');
    const client = await mqtt.connectAsync(brokerUrl, {
      clientId: deviceId,
      username: deviceId,
      password,
      reconnectPeriod: 1000,
      will: { topic: status, payload: Buffer.from('{"state":"offline"}'), qos: 1, retain: true },
    });
    this.#client = client;
    const cmdTopic = deviceTopic(centreId, deviceId, 'cmd');
    client.on('message', (topic, payload) => {
      if (topic !== cmdTopic) return;
      const result = answerSimulatedCommand(payload);
      if (result) client.publish(deviceTopic(centreId, deviceId, 'cmd/result'), JSON.stringify(result), { qos: 1 });
    });
    await client.subscribeAsync([deviceTopic(centreId, deviceId, 'config'), cmdTopic], { qos: 1 });
    await client.publishAsync(status, JSON.stringify({ state: 'online', fw: 'simulated-eifd/0.1.0', boot: this.#boot }), { qos: 1, retain: true });
    this.#schedulePress();
    this.#every(this.#options.telemetryIntervalMs ?? 15_000, () => {
      void client.publishAsync(
        deviceTopic(centreId, deviceId, 'telemetry'),
        JSON.stringify({ upMs: this.#upMs(), queued: 0, dropped: 0, fw: 'simulated-eifd/0.1.0' }),
        { qos: 0 },
      );
    });
  }

  async stop(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const client = this.#client;
    this.#client = null;
    if (!client) return;
    await client.publishAsync(deviceTopic(this.#options.centreId, this.#options.deviceId, 'status'), '{"state":"offline"}', { qos: 1, retain: true }).catch(() => undefined);
    await client.endAsync();
  }

  #schedulePress(): void {
    // Exponential gaps: citizens finish at random times.
    const gap = -Math.log(1 - Math.random()) * this.#options.meanPressIntervalMs;
    this.#after(gap, () => {
      const rating = this.#pickRating();
      this.#press(rating);
      if (Math.random() < (this.#options.doublePressChance ?? 0.05)) this.#after(600, () => this.#press(rating));
      this.#schedulePress();
    });
  }

  #press(rating: Rating): void {
    const client = this.#client;
    if (!client) return;
    const upMs = this.#upMs();
    const press: PressMessage = { seq: ++this.#seq, boot: this.#boot, rating, upMs, sentUpMs: upMs };
    // QoS 1: mqtt.js keeps it and resends after a reconnect until the hub's PUBACK.
    client.publish(deviceTopic(this.#options.centreId, this.#options.deviceId, 'press'), JSON.stringify(press), { qos: 1 });
  }

  #pickRating(): Rating {
    let r = Math.random();
    for (const rating of [4, 3, 2, 1] as const) {
      r -= this.#options.ratingShare[rating] ?? 0;
      if (r <= 0) return rating;
    }
    return 4;
  }

  #upMs(): number {
    return Date.now() - this.#bootedAt;
  }

  #after(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  #every(ms: number, fn: () => void): void {
    const tick = () => {
      fn();
      this.#after(ms, tick);
    };
    this.#after(ms, tick);
  }
}
