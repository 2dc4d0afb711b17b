import type { Database, Statement } from 'better-sqlite3';
import type { FeedbackPressedData } from '../../protocol/events/feedback.ts';
import { PressMessage } from '../../protocol/messages/press.ts';
import type { Clock } from '../clock.ts';
import { formatIssues } from '../config/format-issues.ts';
import type { EventBus } from '../event-bus.ts';
import type { Logger } from '../logger.ts';
import type { GroupCommit } from '../store/group-commit.ts';
import type { Outbox } from '../store/outbox.ts';
import type { Quarantine } from '../store/quarantine.ts';
import type { StatsCounters } from '../store/stats.ts';
import { DeviceVoteStates } from './device-vote-state.ts';
import { reconstructPressTime } from './press-time.ts';
import type { Rejections } from './rejections.ts';

export interface PressIngestSettings {
  maxPressBytes: number;
  pressBudgetPerMinute: number;
  /** The lock-out for a device's counter. */
  lockoutMsFor(counterId: string): number;
}

export type PressOutcome = 'stored' | 'duplicate' | 'over_budget' | 'quarantined';

/**
 * Durable ingest of one press (invariant 1): validate at the boundary, then in one
 * group-committed transaction dedup on (deviceId, boot, seq), judge lock-out and
 * budget, append the `feedback.pressed` event and the press row; the callback (the
 * PUBACK) runs only after COMMIT. A payload that cannot be a press is acknowledged
 * and quarantined, never retried forever (ARCHITECTURE, known traps).
 */
export class PressIngest {
  readonly #commit: GroupCommit;
  readonly #outbox: Outbox;
  readonly #stats: StatsCounters;
  readonly #quarantine: Quarantine;
  readonly #rejections: Rejections;
  readonly #clock: Clock;
  readonly #bus: EventBus;
  readonly #log: Logger;
  readonly #settings: PressIngestSettings;
  readonly #votes: DeviceVoteStates;
  readonly #exists: Statement<[string, string, number]>;
  readonly #insert: Statement;
  readonly #overBudgetWarned = new Map<string, number>();

  constructor(options: {
    db: Database;
    commit: GroupCommit;
    outbox: Outbox;
    stats: StatsCounters;
    quarantine: Quarantine;
    rejections: Rejections;
    clock: Clock;
    bus: EventBus;
    log: Logger;
    settings: PressIngestSettings;
  }) {
    this.#commit = options.commit;
    this.#outbox = options.outbox;
    this.#stats = options.stats;
    this.#quarantine = options.quarantine;
    this.#rejections = options.rejections;
    this.#clock = options.clock;
    this.#bus = options.bus;
    this.#log = options.log;
    this.#settings = options.settings;
    this.#votes = new DeviceVoteStates(options.db);
    this.#commit.addParticipant(this.#votes);
    this.#exists = options.db.prepare('SELECT 1 FROM presses WHERE device_id = ? AND boot = ? AND device_seq = ?');
    this.#insert = options.db.prepare(`INSERT INTO presses (device_id, boot, device_seq, counter_id, rating, misuse, pressed_at, received_at,
      device_at, up_ms, sent_up_ms, clock_quality, event_seq) VALUES (@deviceId, @boot, @deviceSeq, @counterId, @rating, @misuse,
      @pressedAt, @receivedAt, @deviceAt, @upMs, @sentUpMs, @clockQuality, @eventSeq)`);
  }

  /** `done(null)` once the outcome is committed; `done(error)` if nothing could be written. */
  accept(press: { deviceId: string; counterId: string; topic: string; payload: Buffer }, done: (error: Error | null, outcome?: PressOutcome) => void): void {
    const receivedAt = this.#clock.now();
    const { deviceId, topic, payload } = press;
    const reject = (reason: 'oversized' | 'malformed', detail: string) =>
      this.#rejections.quarantine({ deviceId, topic, payload, reason, detail }, (error) => done(error, 'quarantined'));

    if (payload.length > this.#settings.maxPressBytes) {
      return reject('oversized', `payload is ${payload.length} bytes; a press may be at most ${this.#settings.maxPressBytes}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch (error) {
      return reject('malformed', `not JSON: ${(error as Error).message}`);
    }
    const parsed = PressMessage.safeParse(json);
    if (!parsed.success) return reject('malformed', formatIssues(parsed.error).join('; '));

    const message = parsed.data;
    const time = reconstructPressTime(message, receivedAt);
    let outcome: PressOutcome = 'stored';
    let stored: { eventSeq: number; press: FeedbackPressedData } | null = null;

    this.#commit.submit({
      apply: () => {
        if (this.#exists.get(deviceId, message.boot, message.seq)) {
          outcome = 'duplicate';
          this.#stats.add('duplicates');
          return;
        }
        const votes = this.#votes.get(deviceId);
        if (votes.isOverBudget(time.pressedAt, this.#settings.pressBudgetPerMinute)) {
          outcome = 'over_budget';
          this.#stats.add('rejected.over_budget');
          return;
        }
        const misuse = votes.isMisuse(message.boot, message.upMs, time.pressedAt, this.#settings.lockoutMsFor(press.counterId));
        const data: FeedbackPressedData = {
          deviceId,
          counterId: press.counterId,
          boot: message.boot,
          deviceSeq: message.seq,
          rating: message.rating,
          misuse,
          pressedAt: new Date(time.pressedAt).toISOString(),
          receivedAt: new Date(receivedAt).toISOString(),
          deviceAt: time.deviceAt === null || !Number.isFinite(time.deviceAt) ? null : new Date(time.deviceAt).toISOString(),
          upMs: message.upMs,
          sentUpMs: message.sentUpMs ?? null,
          clockQuality: time.clockQuality,
        };
        const eventSeq = this.#outbox.append({ type: 'feedback.pressed', data }, receivedAt);
        this.#insert.run({
          deviceId,
          boot: message.boot,
          deviceSeq: message.seq,
          counterId: press.counterId,
          rating: message.rating,
          misuse: misuse ? 1 : 0,
          pressedAt: time.pressedAt,
          receivedAt,
          deviceAt: data.deviceAt === null ? null : time.deviceAt,
          upMs: message.upMs,
          sentUpMs: message.sentUpMs ?? null,
          clockQuality: time.clockQuality,
          eventSeq,
        });
        votes.record(message.boot, message.upMs, time.pressedAt, misuse);
        this.#stats.add('presses');
        if (misuse) this.#stats.add('misuse');
        stored = { eventSeq, press: data };
      },
      setAside: (_db, error) => {
        outcome = 'quarantined';
        this.#quarantine.put({ receivedAt, deviceId, topic, reason: 'ingest_error', detail: error.message, payload });
        this.#stats.add('rejected.ingest_error');
      },
      done: (error) => {
        if (error) return done(error);
        if (outcome === 'over_budget') {
          this.#warnOverBudget(deviceId, receivedAt);
          this.#bus.emit('ingest.rejected', { reason: 'over_budget', deviceId });
        }
        if (stored) this.#bus.emit('press.stored', stored);
        done(null, outcome);
      },
    });
  }

  /** Over-budget presses are reported once a minute per device, not per press. */
  #warnOverBudget(deviceId: string, now: number): void {
    const last = this.#overBudgetWarned.get(deviceId) ?? 0;
    if (now - last < 60_000) return;
    this.#overBudgetWarned.set(deviceId, now);
    this.#log.warn({ deviceId, budgetPerMinute: this.#settings.pressBudgetPerMinute }, 'device is over its press budget; further presses this minute are counted, not stored');
  }
}
