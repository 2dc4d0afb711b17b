import type { FeedbackPressedData } from '../../protocol/events/feedback.ts';
import type { WriteOperationRegistry, WriterContext } from '../store/writer/write-operations.ts';
import { DeviceRefusals } from './device-refusals.ts';
import { DeviceVoteStates, uptimePair, type VoteVerdict } from './device-vote-state.ts';
import { PressStore } from './press-store.ts';
import { Quarantine, QuarantineKeepCap } from './quarantine.ts';

/** A validated press; the writer dedups it, judges clock, budget and lock-out, and stores it. */
export interface PressOp {
  kind: 'press';
  /** The event data, all but `misuse` and the ticket, which the writer decides. */
  data: Omit<FeedbackPressedData, 'misuse'>;
  pressedAtMs: number;
  receivedAtMs: number;
  deviceAtMs: number | null;
  lockoutMs: number;
  budgetPerMinute: number;
  /** Presses the hub cannot date: this many at once, then so many a minute of hub time (docs/security.md, "Device clocks"). */
  unanchoredBurst: number;
  unanchoredPerMinute: number;
  /** Kept so the press can be quarantined if it cannot be written (a poison item). */
  topic: string;
  payload: Uint8Array;
}

/** A refused device message, kept raw (if `keep`) and counted as `rejected.<reason>`. */
export interface QuarantineOp {
  kind: 'quarantine';
  receivedAtMs: number;
  deviceId: string;
  topic: string;
  reason: string;
  detail: string;
  /** The start of the payload (what the quarantine keeps); `payloadBytes` is its full length. */
  payload: Uint8Array;
  payloadBytes: number;
  keep: boolean;
}

/** `refused`: acknowledged, counted by reason and kept in quarantine, not stored (see `reason`). */
export type PressOutcome = 'stored' | 'duplicate' | 'refused' | 'quarantined';

export interface PressResult {
  outcome: PressOutcome;
  /** Why a press was refused (over_budget, clock_ahead, boot_overlap, clock_unverified). */
  reason?: string;
  eventSeq?: number;
  misuse?: boolean;
  /** The ticket the writer tied the press to (null: none served there), for the 'press.stored' news. */
  ticketId?: string | null;
  serviceId?: string | null;
}

declare module '../store/writer/write-operations.ts' {
  interface WriteOperations {
    press: { op: PressOp; result: PressResult };
    quarantine: { op: QuarantineOp; result: Record<string, never> };
  }
}

/**
 * Which ticket a press rates: the one served at its counter when the button was
 * pressed. The queue engine answers it in the same transaction (registered by the
 * composition root; null when the hub runs without the queue).
 */
export type TicketForFeedback = (counterId: string, pressedAtMs: number) => { ticketId: string; serviceId: string } | null;

/**
 * Ingest's writes, in the writer thread. The press path is the durable-ingest core
 * (invariant 1): dedup on (deviceId, boot, seq), the device's clock, budget and
 * lock-out, then the `feedback.pressed` event and the press row in one savepoint of the
 * batch transaction.
 */
export function registerIngestWrites(registry: WriteOperationRegistry, context: WriterContext, ticketFor: TicketForFeedback | null): void {
  const { db, outbox, stats } = context;
  const presses = new PressStore(db);
  const quarantine = new Quarantine(db);
  const refusals = new DeviceRefusals(db);
  const votes = new DeviceVoteStates(db);
  const keepCap = new QuarantineKeepCap();
  context.addParticipant(votes);
  context.addOutboxReferrer(presses);

  /**
   * A press that is not stored (over budget, or a device clock the hub cannot
   * believe) is still acknowledged: counted by reason, in total and per device, and
   * kept raw in quarantine (up to the per-device cap) so nothing is silently dropped.
   */
  const refuse = (op: PressOp, verdict: Extract<VoteVerdict, { stored: false }>): PressResult => {
    const { deviceId } = op.data;
    stats.add(`rejected.${verdict.reason}`);
    refusals.add(deviceId, verdict.reason, op.receivedAtMs, verdict.detail);
    if (keepCap.allows(deviceId, op.receivedAtMs)) {
      quarantine.put({ receivedAt: op.receivedAtMs, deviceId, topic: op.topic, reason: verdict.reason, detail: verdict.detail, payload: Buffer.from(op.payload) });
    } else {
      stats.add('quarantine.not_kept');
    }
    return { outcome: 'refused', reason: verdict.reason };
  };

  registry.register('press', {
    apply(op) {
      const { data } = op;
      if (presses.exists({ deviceId: data.deviceId, boot: data.boot, deviceSeq: data.deviceSeq })) {
        stats.add('duplicates');
        return { outcome: 'duplicate' };
      }
      const state = votes.get(data.deviceId);
      const vote = { boot: data.boot, upMs: data.upMs, sentUpMs: uptimePair(data.clockQuality, data.sentUpMs), pressedAt: op.pressedAtMs, receivedAt: op.receivedAtMs };
      const rules = { lockoutMs: op.lockoutMs, budgetPerMinute: op.budgetPerMinute, unanchoredBurst: op.unanchoredBurst, unanchoredPerMinute: op.unanchoredPerMinute };
      const verdict = state.judge(vote, rules);
      if (!verdict.stored) return refuse(op, verdict);
      const { misuse } = verdict;
      // The rating belongs to the ticket served at that counter when the button was pressed.
      const served = ticketFor?.(data.counterId, op.pressedAtMs) ?? null;
      const ticketId = served?.ticketId ?? null;
      const serviceId = served?.serviceId ?? null;
      const event: FeedbackPressedData = { ...data, misuse, ticketId, serviceId };
      const eventSeq = outbox.append({ type: 'feedback.pressed', data: event }, op.receivedAtMs);
      presses.insert({
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
        ticketId,
        serviceId,
      });
      state.record(vote, verdict.at, verdict.anchored, misuse, rules);
      stats.add('presses');
      if (misuse) stats.add('misuse');
      return { outcome: 'stored', eventSeq, misuse, ticketId, serviceId };
    },
    setAside(op, error) {
      quarantine.put({ receivedAt: op.receivedAtMs, deviceId: op.data.deviceId, topic: op.topic, reason: 'ingest_error', detail: error.message, payload: Buffer.from(op.payload) });
      stats.add('rejected.ingest_error');
      return { outcome: 'quarantined' };
    },
  });

  registry.register('quarantine', {
    apply(op) {
      if (op.keep) quarantine.put({ receivedAt: op.receivedAtMs, deviceId: op.deviceId, topic: op.topic, reason: op.reason, detail: op.detail, payload: Buffer.from(op.payload), payloadBytes: op.payloadBytes });
      else stats.add('quarantine.not_kept');
      stats.add(`rejected.${op.reason}`);
      refusals.add(op.deviceId, op.reason, op.receivedAtMs, op.detail);
      return {};
    },
  });
}
