import type { Database, Statement } from 'better-sqlite3';
import type { FeedbackPressedData } from '../../../protocol/events/feedback.ts';
import { DeviceRefusals } from '../../ingest/device-refusals.ts';
import { DeviceVoteStates, uptimePair, type VoteVerdict } from '../../ingest/device-vote-state.ts';
import type { BatchParticipant, CommitItem } from '../group-commit.ts';
import { Outbox } from '../outbox.ts';
import { Quarantine, QuarantineKeepCap } from '../quarantine.ts';
import { StatsCounters } from '../stats.ts';
import { SyncBookkeeping } from '../sync-bookkeeping.ts';
import { QueueEngine, type QueueRules } from '../../queue/engine/queue-engine.ts';
import type { PressOp, WriteOp, WriteResult } from './ops.ts';

/**
 * Turns write ops into group-commit items, in the writer thread. The press path is
 * the durable-ingest core (invariant 1): dedup on (deviceId, boot, seq), budget,
 * lock-out, then the `feedback.pressed` event and the press row in one savepoint of
 * the batch transaction.
 */
export class OpApplier {
  readonly participants: BatchParticipant[];
  readonly #outbox: Outbox;
  readonly #quarantine: Quarantine;
  readonly #stats: StatsCounters;
  readonly #votes: DeviceVoteStates;
  readonly #refusals: DeviceRefusals;
  readonly #keepCap = new QuarantineKeepCap();
  readonly #sync: SyncBookkeeping;
  /** Absent when the thread was started without the centre's queue rules (store-only tests). */
  readonly #queue: QueueEngine | null;
  readonly #pressExists: Statement<[{ deviceId: string; boot: string; deviceSeq: number }]>;
  readonly #insertPress: Statement;
  readonly #upsertPresence: Statement;
  readonly #upsertTelemetry: Statement;

  constructor(db: Database, queueRules: QueueRules | null = null) {
    this.#outbox = new Outbox(db);
    this.#queue = queueRules ? new QueueEngine(db, this.#outbox, queueRules) : null;
    this.#quarantine = new Quarantine(db);
    this.#stats = new StatsCounters(db);
    this.#votes = new DeviceVoteStates(db);
    this.#refusals = new DeviceRefusals(db);
    this.#sync = new SyncBookkeeping(db, this.#stats);
    this.participants = [this.#stats, this.#votes];
    // A press already stored, or at or below the watermark of pruned presses of its boot.
    this.#pressExists = db.prepare(`SELECT 1 FROM presses WHERE device_id = @deviceId AND boot = @boot AND device_seq = @deviceSeq
      UNION ALL SELECT 1 FROM press_watermarks WHERE device_id = @deviceId AND boot = @boot AND max_device_seq >= @deviceSeq`);
    this.#insertPress = db.prepare(`INSERT INTO presses (device_id, boot, device_seq, counter_id, rating, misuse, pressed_at, received_at,
      device_at, up_ms, sent_up_ms, clock_quality, event_seq, ticket_id, service_id) VALUES (@deviceId, @boot, @deviceSeq, @counterId, @rating, @misuse,
      @pressedAt, @receivedAt, @deviceAt, @upMs, @sentUpMs, @clockQuality, @eventSeq, @ticketId, @serviceId)`);
    this.#upsertPresence = db.prepare(`INSERT INTO device_state (device_id, presence, since, fw, boot) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (device_id) DO UPDATE SET presence = excluded.presence, since = excluded.since,
        fw = COALESCE(excluded.fw, fw), boot = COALESCE(excluded.boot, boot)`);
    this.#upsertTelemetry = db.prepare(`INSERT INTO device_state (device_id, presence, since, telemetry, telemetry_at) VALUES (?, 'offline', ?, ?, ?)
      ON CONFLICT (device_id) DO UPDATE SET telemetry = excluded.telemetry, telemetry_at = excluded.telemetry_at`);
  }

  /** One commit item for `op`; `reply` gets the op's result once the batch has committed. */
  item(op: WriteOp, reply: (error: Error | null, result: WriteResult) => void): CommitItem {
    const result: WriteResult = {};
    const done = (error: Error | null) => reply(error, result);
    switch (op.kind) {
      case 'press':
        return {
          apply: () => this.#applyPress(op, result),
          setAside: (_db, error) => {
            result.outcome = 'quarantined';
            this.#quarantine.put({ receivedAt: op.receivedAtMs, deviceId: op.data.deviceId, topic: op.topic, reason: 'ingest_error', detail: error.message, payload: Buffer.from(op.payload) });
            this.#stats.add('rejected.ingest_error');
          },
          done,
        };
      case 'quarantine':
        return {
          apply: () => {
            if (op.keep) this.#quarantine.put({ receivedAt: op.receivedAtMs, deviceId: op.deviceId, topic: op.topic, reason: op.reason, detail: op.detail, payload: Buffer.from(op.payload), payloadBytes: op.payloadBytes });
            else this.#stats.add('quarantine.not_kept');
            this.#stats.add(`rejected.${op.reason}`);
            this.#refusals.add(op.deviceId, op.reason, op.receivedAtMs, op.detail);
          },
          done,
        };
      case 'count':
        return { apply: () => this.#stats.add(op.stat, op.delta), done };
      case 'presence':
        return {
          apply: () => {
            this.#outbox.append(op.event, op.atMs);
            this.#upsertPresence.run(op.deviceId, op.presence, op.atMs, op.fw, op.boot);
          },
          done,
        };
      case 'telemetry':
        return { apply: () => void this.#upsertTelemetry.run(op.deviceId, op.atMs, op.json, op.atMs), done };
      case 'sync_ack':
        return { apply: () => this.#sync.applyAck(op), done };
      case 'renumber':
        return { apply: () => void this.#sync.renumber(op), done };
      case 'rebase':
        return { apply: () => this.#sync.rebase(op), done };
      case 'queue':
        return {
          apply: () => {
            if (!this.#queue) throw new Error('the store writer was started without queue rules');
            result.queue = this.#queue.apply(op.command, op.time);
          },
          done,
        };
      case 'event':
        return { apply: () => void this.#outbox.append(op.event, op.atMs), done };
      case 'prune':
        return { apply: () => void (result.pruned = this.#sync.prune(op)), done };
      default:
        // Unreachable by the types; a bad op must fail alone, not take the thread down.
        return { apply: () => { throw new Error(`unknown write op ${JSON.stringify((op as { kind?: unknown }).kind)}`); }, done };
    }
  }

  #applyPress(op: PressOp, result: WriteResult): void {
    const { data } = op;
    if (this.#pressExists.get({ deviceId: data.deviceId, boot: data.boot, deviceSeq: data.deviceSeq })) {
      result.outcome = 'duplicate';
      this.#stats.add('duplicates');
      return;
    }
    const votes = this.#votes.get(data.deviceId);
    const vote = { boot: data.boot, upMs: data.upMs, sentUpMs: uptimePair(data.clockQuality, data.sentUpMs), pressedAt: op.pressedAtMs, receivedAt: op.receivedAtMs };
    const rules = { lockoutMs: op.lockoutMs, budgetPerMinute: op.budgetPerMinute, unanchoredBurst: op.unanchoredBurst, unanchoredPerMinute: op.unanchoredPerMinute };
    const verdict = votes.judge(vote, rules);
    if (!verdict.stored) return this.#refusePress(op, verdict, result);
    const { misuse } = verdict;
    // The rating belongs to the ticket served at that counter when the button was pressed.
    const served = this.#queue?.ticketForFeedback(data.counterId, op.pressedAtMs) ?? null;
    const event: FeedbackPressedData = { ...data, misuse, ticketId: served?.ticketId ?? null, serviceId: served?.serviceId ?? null };
    const eventSeq = this.#outbox.append({ type: 'feedback.pressed', data: event }, op.receivedAtMs);
    this.#insertPress.run({
      deviceId: data.deviceId,
      boot: data.boot,
      deviceSeq: data.deviceSeq,
      counterId: data.counterId,
      rating: data.rating,
      misuse: misuse ? 1 : 0,
      pressedAt: op.pressedAtMs,
      receivedAt: op.receivedAtMs,
      deviceAt: op.deviceAtMs,
      upMs: data.upMs,
      sentUpMs: data.sentUpMs,
      clockQuality: data.clockQuality,
      eventSeq,
      ticketId: event.ticketId,
      serviceId: event.serviceId,
    });
    votes.record(vote, verdict.at, verdict.anchored, misuse, rules);
    this.#stats.add('presses');
    if (misuse) this.#stats.add('misuse');
    result.outcome = 'stored';
    result.eventSeq = eventSeq;
    result.misuse = misuse;
  }

  /**
   * A press that is not stored (over budget, or a device clock the hub cannot
   * believe) is still acknowledged: counted by reason, in total and per device, and
   * kept raw in quarantine (up to the per-device cap) so nothing is silently dropped.
   */
  #refusePress(op: PressOp, verdict: Extract<VoteVerdict, { stored: false }>, result: WriteResult): void {
    const { deviceId } = op.data;
    result.outcome = 'refused';
    result.reason = verdict.reason;
    this.#stats.add(`rejected.${verdict.reason}`);
    this.#refusals.add(deviceId, verdict.reason, op.receivedAtMs, verdict.detail);
    if (!this.#keepCap.allows(deviceId, op.receivedAtMs)) return this.#stats.add('quarantine.not_kept');
    this.#quarantine.put({ receivedAt: op.receivedAtMs, deviceId, topic: op.topic, reason: verdict.reason, detail: verdict.detail, payload: Buffer.from(op.payload) });
  }
}
