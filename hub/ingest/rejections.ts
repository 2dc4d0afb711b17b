import type { Clock } from '../../runtime/clock.ts';
import type { EventBus } from '../event-bus.ts';
import type { Logger } from '../logger.ts';
import { QUARANTINE_PAYLOAD_LIMIT, QuarantineKeepCap } from './quarantine.ts';
import { RefusalLog } from './refusal-log.ts';
import type { StoreWriter } from '../store/writer/store-writer.ts';

/**
 * Why something from a device was not accepted. Each has an all-time counter
 * `rejected.<reason>`; `/health` shows them and their sum.
 */
export type RejectReason =
  | 'unknown_device'
  | 'bad_password'
  | 'client_id_mismatch'
  | 'acl_denied'
  | 'malformed'
  | 'oversized'
  | 'packet_too_large'
  | 'connection_limit'
  | 'bad_topic'
  | 'over_budget'
  | 'clock_ahead'
  | 'boot_overlap'
  | 'clock_unverified'
  | 'unknown_topic'
  | 'ingest_error';

/**
 * Counts refusals and keeps refused payloads in quarantine, with a per-device cap so
 * a device spewing garbage cannot fill the disk through the quarantine table.
 */
export class Rejections {
  readonly #writer: StoreWriter;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #refusalLog: RefusalLog;
  readonly #bus: EventBus;
  readonly #keepCap = new QuarantineKeepCap();
  #uncounted: Array<{ reason: RejectReason; deviceId: string | null }> = [];

  constructor(options: { writer: StoreWriter; clock: Clock; bus: EventBus; log: Logger }) {
    this.#writer = options.writer;
    this.#clock = options.clock;
    this.#bus = options.bus;
    this.#log = options.log;
    this.#refusalLog = new RefusalLog(options.log, options.clock);
  }

  /**
   * Counts a refusal that has no payload worth keeping (auth, ACL, socket limit). The
   * refusals of one event-loop turn are written as one increment per reason, so a
   * flood of bad connections costs the store little.
   */
  count(reason: RejectReason, context: { deviceId?: string | undefined; [key: string]: unknown }): void {
    this.#refusalLog.warn(reason, context, 'refused');
    if (this.#uncounted.length === 0) setImmediate(() => this.#writeCounts());
    this.#uncounted.push({ reason, deviceId: context.deviceId ?? null });
  }

  #writeCounts(): void {
    const refusals = this.#uncounted;
    this.#uncounted = [];
    const byReason = new Map<RejectReason, number>();
    for (const { reason } of refusals) byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    let remaining = byReason.size;
    let failed = false;
    for (const [reason, delta] of byReason) {
      this.#writer.submit({ kind: 'count', stat: `rejected.${reason}`, delta }, (error) => {
        if (error) {
          failed = true;
          this.#log.error({ err: error, reason, delta }, 'refusals not counted');
        }
        if (--remaining > 0 || failed) return;
        for (const refusal of refusals) this.#bus.emit('ingest.rejected', refusal);
      });
    }
  }

  /** Writes the refusals still summed up in the log (the hub is stopping). */
  stop(): void {
    this.#refusalLog.stop();
  }

  /**
   * Keeps a refused message in quarantine and counts it; `done` runs after the
   * commit, so the sender's PUBACK means the refusal itself is on disk.
   */
  quarantine(
    message: { deviceId: string; topic: string; payload: Buffer; reason: RejectReason; detail: string },
    done: (error: Error | null) => void,
  ): void {
    const receivedAtMs = this.#clock.now();
    const keep = this.#keepCap.allows(message.deviceId, receivedAtMs);
    this.#refusalLog.warn(message.reason, { deviceId: message.deviceId, topic: message.topic, detail: message.detail, kept: keep }, 'device message quarantined');
    // Only what the quarantine keeps, copied out of aedes' socket buffer (see press-ingest).
    const payload = new Uint8Array(message.payload.subarray(0, keep ? QUARANTINE_PAYLOAD_LIMIT : 0));
    this.#writer.submit({ kind: 'quarantine', receivedAtMs, keep, ...message, payload, payloadBytes: message.payload.length }, (error) => {
      if (!error) this.#bus.emit('ingest.rejected', { reason: message.reason, deviceId: message.deviceId });
      done(error);
    });
  }
}
