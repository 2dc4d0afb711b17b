import type { FeedbackPressedData } from '../../protocol/events/feedback.ts';
import { PressMessage } from '../../protocol/messages/press.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { EventBus } from '../event-bus.ts';
import type { Logger } from '../logger.ts';
import type { PressOutcome } from './ingest-writes.ts';
import type { StoreWriter } from '../store/writer/store-writer.ts';
import { parseJsonPayload } from './parse-payload.ts';
import { reconstructPressTime } from './press-time.ts';
import type { Rejections } from './rejections.ts';

export interface PressIngestSettings {
  maxPressBytes: number;
  pressBudgetPerMinute: number;
  /** Presses the hub cannot date: this many at once, then so many a minute of hub time (docs/security.md, "Device clocks"). */
  unanchoredPressBurst: number;
  unanchoredPressesPerMinute: number;
  /** The lock-out for a device's counter. */
  lockoutMsFor(counterId: string): number;
  /** Why new presses cannot be taken now (disk budget), or null. */
  refusal?(): Error | null;
}

/**
 * Durable ingest of one press (invariant 1): validated here, at the boundary, then
 * written by the store writer in one group-committed transaction (dedup on
 * (deviceId, boot, seq), budget, lock-out, the `feedback.pressed` event and the press
 * row); the callback (the PUBACK) runs only after COMMIT. A payload that cannot be a
 * press is acknowledged and quarantined, never retried forever (docs/architecture.md,
 * "Refusals in authorizePublish").
 */
export class PressIngest {
  readonly #writer: StoreWriter;
  readonly #rejections: Rejections;
  readonly #clock: Clock;
  readonly #bus: EventBus;
  readonly #log: Logger;
  readonly #settings: PressIngestSettings;
  readonly #refusalWarned = new Map<string, number>();

  constructor(options: { writer: StoreWriter; rejections: Rejections; clock: Clock; bus: EventBus; log: Logger; settings: PressIngestSettings }) {
    this.#writer = options.writer;
    this.#rejections = options.rejections;
    this.#clock = options.clock;
    this.#bus = options.bus;
    this.#log = options.log;
    this.#settings = options.settings;
  }

  /** `done(null)` once the outcome is committed; `done(error)` if nothing could be written. */
  accept(press: { deviceId: string; counterId: string; topic: string; payload: Buffer }, done: (error: Error | null, outcome?: PressOutcome) => void): void {
    const receivedAt = this.#clock.now();
    const { deviceId, counterId, topic, payload } = press;
    const reject = (reason: 'oversized' | 'malformed', detail: string) =>
      this.#rejections.quarantine({ deviceId, topic, payload, reason, detail }, (error) => done(error, 'quarantined'));

    if (payload.length > this.#settings.maxPressBytes) {
      return reject('oversized', `payload is ${payload.length} bytes; a press may be at most ${this.#settings.maxPressBytes}`);
    }
    const parsed = parseJsonPayload(PressMessage, payload);
    if (!parsed.ok) return reject('malformed', parsed.detail);

    // Refused before anything is written: no PUBACK, so the device keeps the vote.
    const refusal = this.#settings.refusal?.() ?? null;
    if (refusal) return done(refusal);

    const message = parsed.value;
    const time = reconstructPressTime(message, receivedAt);
    const deviceAtMs = time.deviceAt;
    const data: Omit<FeedbackPressedData, 'misuse'> = {
      deviceId,
      counterId,
      boot: message.boot,
      deviceSeq: message.seq,
      rating: message.rating,
      pressedAt: new Date(time.pressedAt).toISOString(),
      receivedAt: new Date(receivedAt).toISOString(),
      deviceAt: deviceAtMs === null ? null : new Date(deviceAtMs).toISOString(),
      upMs: message.upMs,
      sentUpMs: message.sentUpMs ?? null,
      clockQuality: time.clockQuality,
    };
    this.#writer.submit(
      {
        kind: 'press',
        data,
        pressedAtMs: time.pressedAt,
        receivedAtMs: receivedAt,
        deviceAtMs,
        lockoutMs: this.#settings.lockoutMsFor(counterId),
        budgetPerMinute: this.#settings.pressBudgetPerMinute,
        unanchoredBurst: this.#settings.unanchoredPressBurst,
        unanchoredPerMinute: this.#settings.unanchoredPressesPerMinute,
        topic,
        // A copy: `payload` is a view into aedes' socket buffer, and posting a view to
        // the writer thread would copy the whole backing buffer (64 KB) per press.
        payload: new Uint8Array(payload),
      },
      (error, result) => {
        if (error) return done(error);
        // The PUBACK first: what listeners do with the news cannot delay or stop it.
        done(null, result.outcome);
        if (result.outcome === 'stored') {
          this.#bus.emit('press.stored', { eventSeq: result.eventSeq!, press: { ...data, misuse: result.misuse ?? false, ticketId: result.ticketId ?? null, serviceId: result.serviceId ?? null } });
        } else if (result.outcome === 'refused') {
          this.#warnRefused(deviceId, result.reason!, receivedAt);
          this.#bus.emit('ingest.rejected', { reason: result.reason!, deviceId });
        }
      },
    );
  }

  /** Refused presses are reported once a minute per device and reason, not per press (the counters keep the totals). */
  #warnRefused(deviceId: string, reason: string, now: number): void {
    const key = `${deviceId}\0${reason}`;
    const last = this.#refusalWarned.get(key);
    if (last !== undefined && now - last < 60_000) return;
    this.#refusalWarned.set(key, now);
    if (reason === 'over_budget') {
      this.#log.warn({ deviceId, budgetPerMinute: this.#settings.pressBudgetPerMinute }, 'device is over its press budget; further presses this minute are counted, not stored');
    } else {
      this.#log.warn({ deviceId, reason }, 'device presses refused: its clock cannot be believed; they are counted and kept in quarantine (GET /api/devices, /api/quarantine)');
    }
  }
}
