import type { Logger } from 'pino';
import type { PressMessage } from '../protocol/messages/press.ts';
import type { BridgeClock } from './clock.ts';
import type { HubLink } from './hub-link.ts';
import type { PressJournal, QueuedPress } from './press-journal.ts';

/**
 * Sends the journal's votes to the hub in the order they were cast, a few in flight
 * at a time (PUBACKs come back in order on one MQTT connection), and removes each from
 * the journal only on its PUBACK. When the link drops, every in-flight vote is
 * resent from the oldest on the next connection; the hub deduplicates on
 * (device, boot, seq), so a vote acknowledged just before the drop is not stored twice.
 */
export class PressSender {
  readonly #journal: PressJournal;
  readonly #link: HubLink;
  readonly #clock: BridgeClock;
  readonly #boot: string;
  readonly #window: number;
  readonly #log: Logger;
  readonly #inFlight = new Set<string>();
  #ackedTotal = 0;
  /** Bumped on every disconnect so late failures of a dead connection are ignored. */
  #generation = 0;

  constructor(options: { journal: PressJournal; link: HubLink; clock: BridgeClock; boot: string; window?: number; log: Logger }) {
    this.#journal = options.journal;
    this.#link = options.link;
    this.#clock = options.clock;
    this.#boot = options.boot;
    this.#window = options.window ?? 8;
    this.#log = options.log;
    this.#link.on('disconnected', () => {
      this.#generation += 1;
      this.#inFlight.clear();
    });
    this.#link.on('connected', () => this.kick());
  }

  /** Votes the hub has acknowledged (PUBACK) since start. */
  get ackedTotal(): number {
    return this.#ackedTotal;
  }

  /** Sends whatever fits in the window; call after every append. */
  kick(): void {
    if (!this.#link.connected) return;
    for (const press of this.#journal.pending()) {
      if (this.#inFlight.size >= this.#window) return;
      const key = `${press.boot}:${press.seq}`;
      if (this.#inFlight.has(key)) continue;
      this.#send(press, key);
    }
  }

  #send(press: QueuedPress, key: string): void {
    const generation = this.#generation;
    this.#inFlight.add(key);
    this.#link.publishPress(this.#message(press)).then(
      () => {
        this.#journal.acknowledge(press);
        this.#ackedTotal += 1;
        if (generation !== this.#generation) return;
        this.#inFlight.delete(key);
        this.kick();
      },
      (error: Error) => {
        if (generation !== this.#generation) return;
        // Not a drop: the vote stays in the journal and goes on the next connection.
        this.#inFlight.delete(key);
        this.#log.debug({ err: error.message, seq: press.seq }, 'vote not acknowledged yet; will resend');
      },
    ).catch((error: Error) => this.#log.error({ err: error.message }, 'error after a vote was acknowledged'));
  }

  /**
   * `sentUpMs` is restamped at every send so the hub can date the vote as
   * receipt − (sentUpMs − upMs) (wire contract v1). A vote from an earlier run of the
   * bridge has an uptime on a timeline that no longer exists: it goes without
   * `sentUpMs` and the hub falls back to `at`, flagging the clock quality.
   */
  #message(press: QueuedPress): PressMessage {
    const message: PressMessage = { seq: press.seq, boot: press.boot, rating: press.rating, upMs: press.upMs, at: press.at };
    if (press.boot === this.#boot) message.sentUpMs = Math.max(press.upMs, this.#clock.uptimeMs());
    return message;
  }
}
