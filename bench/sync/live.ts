// Live presses while the hub works: real mqtt.js device clients, QoS 1, each press
// timed from publish to PUBACK (which the hub sends after the press's COMMIT).
import type { MqttClient } from 'mqtt';
import { connectDevice, newBootId, type DeviceCredentials } from '../../tests/helpers/device-client.ts';
import { deviceTopic } from '../../protocol/topics.ts';
import { sleep } from '../bridge/wait.ts';

export interface LiveResult {
  /** Presses published in the window. */
  sent: number;
  /** publish → PUBACK of the presses acknowledged, ms. */
  latencies: number[];
  /** Presses sent but not acknowledged by the end (after the grace period). */
  unacked: number;
  seconds: number;
}

/**
 * `ratePerS` presses a second spread evenly over the devices, each device on its own
 * timer, staggered. Presses are live (sent as made: sentUpMs = upMs, the real time
 * since the boot started, as the hub checks device clocks against its own): the hub
 * stores every one (the bench raises the per-device budget and sets no lock-out). A
 * fresh boot per phase, so presses of an earlier phase are never taken for duplicates.
 */
export class LiveLoad {
  readonly #clients: MqttClient[];
  readonly #centreId: string;
  #timers: Array<() => void> = [];
  #latencies: number[] = [];
  #sent = 0;
  #pending = 0;
  #started = 0;
  #acked = 0;

  private constructor(clients: MqttClient[], centreId: string) {
    this.#clients = clients;
    this.#centreId = centreId;
  }

  static async connect(port: number, devices: DeviceCredentials[], centreId: string): Promise<LiveLoad> {
    const clients = await Promise.all(devices.map((d) => connectDevice(port, d, { connectTimeout: 30_000 })));
    return new LiveLoad(clients, centreId);
  }

  /** All presses acknowledged since connecting, over every window (for the final tally). */
  get ackedTotal(): number {
    return this.#acked;
  }

  start(ratePerS: number): void {
    this.#latencies = [];
    this.#sent = 0;
    this.#started = performance.now();
    if (ratePerS <= 0) return;
    const intervalMs = (1000 * this.#clients.length) / ratePerS;
    this.#timers = this.#clients.map((client, i) => {
      const boot = newBootId();
      const bootedAt = performance.now();
      const topic = deviceTopic(this.#centreId, client.options.clientId!, 'press');
      let seq = 0;
      const press = () => {
        seq++;
        const upMs = Math.floor(performance.now() - bootedAt);
        const payload = JSON.stringify({ seq, boot, rating: (seq % 4) + 1, upMs, sentUpMs: upMs });
        const latencies = this.#latencies;
        this.#sent++;
        this.#pending++;
        const t0 = performance.now();
        client.publish(topic, payload, { qos: 1 }, (error) => {
          this.#pending--;
          if (error) return;
          this.#acked++;
          latencies.push(performance.now() - t0);
        });
      };
      let interval: NodeJS.Timeout | undefined;
      const first = setTimeout(() => {
        press();
        interval = setInterval(press, intervalMs);
      }, (i * intervalMs) / this.#clients.length);
      return () => {
        clearTimeout(first);
        clearInterval(interval);
      };
    });
  }

  /** Stops pressing, waits up to `graceMs` for outstanding PUBACKs, and reports the window. */
  async stop(graceMs = 5000): Promise<LiveResult> {
    for (const cancel of this.#timers) cancel();
    this.#timers = [];
    const seconds = (performance.now() - this.#started) / 1000;
    const deadline = performance.now() + graceMs;
    while (this.#pending > 0 && performance.now() < deadline) await sleep(20);
    return { sent: this.#sent, latencies: this.#latencies, unacked: this.#pending, seconds };
  }

  async close(): Promise<void> {
    for (const cancel of this.#timers) cancel();
    await Promise.all(this.#clients.map((client) => client.endAsync(true).catch(() => undefined)));
  }
}
