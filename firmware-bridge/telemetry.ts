import type { TelemetryMessage } from '../protocol/messages/telemetry.ts';
import type { BridgeClock } from './clock.ts';
import type { HubLink } from './hub-link.ts';

/**
 * Periodic telemetry (QoS 0, wire contract v1): uptime, queue depth, dropped votes,
 * firmware, and board health. Sent at once on every (re)connection so the hub sees a
 * backlog and any drops without waiting a whole interval.
 */
export class Telemetry {
  readonly #clock: BridgeClock;
  readonly #link: HubLink;
  readonly #read: () => TelemetryMessage;
  #intervalMs: number;
  #cancel: (() => void) | null = null;

  constructor(options: { clock: BridgeClock; link: HubLink; intervalMs: number; read: () => TelemetryMessage }) {
    this.#clock = options.clock;
    this.#link = options.link;
    this.#read = options.read;
    this.#intervalMs = options.intervalMs;
  }

  set intervalMs(ms: number) {
    if (ms === this.#intervalMs) return;
    this.#intervalMs = ms;
    if (this.#cancel) this.#schedule();
  }

  start(): void {
    this.#schedule();
  }

  stop(): void {
    this.#cancel?.();
    this.#cancel = null;
  }

  sendNow(): void {
    if (!this.#link.connected) return;
    // QoS 0: a lost sample is replaced by the next one.
    void this.#link.publishTelemetry(this.#read()).catch(() => undefined);
  }

  #schedule(): void {
    this.#cancel?.();
    this.#cancel = this.#clock.setTimer(() => {
      this.sendNow();
      this.#schedule();
    }, this.#intervalMs);
  }
}
