import { SyncAck, SYNC_PATHS } from '../../protocol/sync/batch.ts';
import { SyncHeartbeatAck, type SyncHeartbeat } from '../../protocol/sync/heartbeat.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { SecretariatConfig } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { SyncAckOp } from './sync-writes.ts';
import { BatchSizer, SyncBackoff } from './backoff.ts';
import { encodeBatchBody } from './batch-body.ts';
import type { OutboxReader, OutboxSlice } from './outbox-reader.ts';
import type { SignedExchange } from './signed-exchange.ts';
import { SyncError } from './sync-errors.ts';
import { SyncWaiter } from './sync-waiter.ts';

/** The most events one batch may carry (protocol: SyncBatch.events). */
const SYNC_MAX_BATCH_EVENTS = 5000;

export type SyncState = 'idle' | 'sending' | 'backoff' | 'rate_limited' | 'refused' | 'stopped';

export interface SyncStatus {
  state: SyncState;
  /** More than one batch waits: the sender is working through a backlog. */
  draining: boolean;
  ackedThroughSeq: number;
  highestSeq: number;
  lastSyncAt: string | null;
  lastError: { code: string; message: string; at: string } | null;
  consecutiveFailures: number;
  nextAttemptAt: string | null;
  clockOffsetMs: number | null;
  batchSize: number;
  batchesSent: number;
  eventsSent: number;
  bytesSent: number;
  rateLimitedTotal: number;
  lastHeartbeatAt: string | null;
  freshLane: { from: number; to: number } | null;
}

export interface SyncClientOptions {
  centreId: string;
  /** The outbox epoch, read fresh (a rebase after a restore changes it). */
  epoch: () => string;
  settings: SecretariatConfig;
  reader: OutboxReader;
  exchange: SignedExchange;
  /** Records the Secretariat's answer durably (through the store writer). */
  persistAck: (op: SyncAckOp) => Promise<void>;
  /** The Secretariat holds seqs this outbox never reached: move the sequence past them (a restored database). */
  rebase: (highestSeq: number) => Promise<void>;
  /** The Secretariat holds seqs from `fromSeq` with another content: move them after `afterSeq`. */
  renumber: (fromSeq: number, afterSeq: number) => Promise<void>;
  /** The heartbeat as of now, built from the hub's live state and this client's status. */
  heartbeat: () => SyncHeartbeat;
  initial: { ackedThroughSeq: number; highestSeq: number; lastSyncAt: string | null };
  clock: Clock;
  log: Logger;
  random?: () => number;
}

/**
 * Store-and-forward to the Secretariat (invariant 2). One batch in flight at a time,
 * read from the outbox in seq order after the Secretariat's `ackedThroughSeq`; the
 * cursor moves only on the Secretariat's answer, so a lost request, a lost answer,
 * a crash or a restart just means the same events go again and are recognised there
 * as duplicates. Heartbeats go on their own timer, also while batches back off.
 */
export class SyncClient {
  readonly #o: SyncClientOptions;
  readonly #backoff: SyncBackoff;
  readonly #sizer: BatchSizer;
  readonly #waiter: SyncWaiter;
  #status: SyncStatus;
  #loop: Promise<void> | null = null;
  #stopped = false;
  #cancelHeartbeat: (() => void) | null = null;
  #heartbeatInFlight: Promise<void> | null = null;

  constructor(options: SyncClientOptions) {
    this.#o = options;
    this.#backoff = new SyncBackoff(options.settings.backoff, options.random);
    this.#sizer = new BatchSizer(options.settings.batchMaxEvents);
    this.#waiter = new SyncWaiter(options.clock);
    this.#status = {
      state: 'idle', draining: false, ...options.initial, lastError: null, consecutiveFailures: 0, nextAttemptAt: null, clockOffsetMs: null,
      batchSize: this.#sizer.current, batchesSent: 0, eventsSent: 0, bytesSent: 0, rateLimitedTotal: 0, lastHeartbeatAt: null, freshLane: null,
    };
  }

  status(): SyncStatus {
    return { ...this.#status, clockOffsetMs: this.#o.exchange.clockOffsetMs, batchSize: this.#sizer.current, consecutiveFailures: this.#backoff.failures };
  }

  start(): void {
    this.#loop = this.#run();
    this.#cancelHeartbeat = this.#o.clock.setRepeating(() => void this.sendHeartbeat(), this.#o.settings.heartbeatIntervalMs);
    void this.sendHeartbeat();
  }

  /** New events were written: send soon (after the linger) unless already busy. */
  notify(): void {
    this.#waiter.notify(this.#o.settings.lingerMs);
  }

  /** Try now, cutting short a backoff wait (a technician's `sync drain`). */
  kick(): void {
    this.#waiter.wake();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelHeartbeat?.();
    this.#waiter.wake();
    await this.#loop;
    await this.#heartbeatInFlight;
    this.#status.state = 'stopped';
  }

  async sendHeartbeat(): Promise<void> {
    if (this.#stopped) return;
    if (this.#heartbeatInFlight) return this.#heartbeatInFlight;
    const run = async () => {
      try {
        const { body } = await this.#o.exchange.post(SYNC_PATHS.heartbeat, JSON.stringify(this.#o.heartbeat()));
        const ack = SyncHeartbeatAck.parse(body);
        this.#status.lastHeartbeatAt = new Date(this.#o.clock.now()).toISOString();
        // A batch answer lost on the way (connection cut after the Secretariat
        // committed) is learnt here too, without resending the batch.
        if (ack.ackedThroughSeq > this.#status.ackedThroughSeq || ack.highestSeq > this.#o.reader.lastSeq()) await this.#accept(ack.ackedThroughSeq, ack.highestSeq, []);
      } catch (error) {
        this.#o.log.debug({ err: error }, 'heartbeat to the Secretariat failed; will retry at the next interval');
      }
    };
    this.#heartbeatInFlight = run().finally(() => (this.#heartbeatInFlight = null));
    await this.#heartbeatInFlight;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      let delay: number;
      try {
        const acked = this.#status.ackedThroughSeq;
        const head = this.#o.reader.lastSeq();
        if (head <= acked) {
          this.#status.state = 'idle';
          this.#status.draining = false;
          await this.#waiter.wait(this.#o.settings.pollMs, { idle: true });
          continue;
        }
        this.#status.state = 'sending';
        delay = await this.#sendOnce(acked, head);
      } catch (error) {
        // A local failure (a busy or failing database): never an unhandled rejection
        // that would take the hub down; back off and try again.
        delay = await this.#failed(error);
      }
      if (delay > 0 && !this.#stopped) {
        this.#status.nextAttemptAt = new Date(this.#o.clock.now() + delay).toISOString();
        await this.#waiter.wait(delay, { idle: false });
        this.#status.nextAttemptAt = null;
      }
    }
  }

  /** One batch; returns how long to wait before the next (0 = go on). */
  async #sendOnce(acked: number, head: number): Promise<number> {
    const batch = this.#nextBatch(acked, head);
    if (batch === 'lane_reset') return 0;
    if (batch === null) return this.#nothingToRead(acked, head);
    // Only the encoded body and a few numbers cross the await: the event texts are
    // already garbage, so a ~1 MB batch does not survive the round trip on the heap.
    try {
      const { body, bytesSent } = await this.#o.exchange.post(SYNC_PATHS.batches, batch.body);
      const ack = SyncAck.parse(body);
      if (batch.lane) this.#status.freshLane = { from: batch.lane.from, to: batch.lane.to };
      await this.#accept(ack.ackedThroughSeq, ack.highestSeq, ack.quarantined);
      if (batch.backlogFirstSeq !== null && ack.ackedThroughSeq < batch.backlogFirstSeq) {
        // Answered, but the Secretariat still misses something before this batch
        // (e.g. it was restored from a backup and the hub has pruned those events):
        // resending cannot fix it, so wait instead of spinning, and say so loudly.
        throw new SyncError('refused', 'secretariat_gap', `the Secretariat acknowledges only through seq ${ack.ackedThroughSeq} and this hub holds events from ${batch.backlogFirstSeq}: it misses events this hub no longer has (see docs/noc-runbook.md)`);
      }
      if (ack.quarantined.length > 0) this.#o.log.warn({ quarantined: ack.quarantined }, 'the Secretariat set records aside as invalid; they are kept there and listed in `huduma-hub sync status`');
      this.#status.batchesSent++;
      this.#status.eventsSent += batch.events;
      this.#status.bytesSent += bytesSent;
      this.#status.lastError = null;
      this.#backoff.success();
      this.#sizer.grow();
      return 0;
    } catch (error) {
      return await this.#failed(error);
    }
  }

  /** Reads and encodes the next batch: the backlog's next slice plus the fresh lane. */
  #nextBatch(acked: number, head: number): { body: Buffer; events: number; backlogFirstSeq: number | null; lane: { from: number; to: number } | null } | 'lane_reset' | null {
    const { settings, reader } = this.#o;
    const fresh = this.#status.freshLane;
    const backlog = reader.read(acked, this.#sizer.current, settings.batchMaxBytes, fresh && fresh.from > acked ? fresh.from : undefined);
    const lane = this.#freshSlice(backlog, head, SYNC_MAX_BATCH_EVENTS - backlog.events.length);
    if (backlog.events.length === 0 && lane.events.length === 0) {
      if (!fresh) return null;
      // Only a fresh run the Secretariat no longer holds is left: send it normally.
      this.#status.freshLane = null;
      return 'lane_reset';
    }
    this.#status.draining = head - acked > this.#sizer.current;
    const body = encodeBatchBody({ centreId: this.#o.centreId, epoch: this.#o.epoch(), sentAt: new Date(this.#o.clock.now()).toISOString() }, [backlog, lane]);
    return {
      body,
      events: backlog.events.length + lane.events.length,
      backlogFirstSeq: backlog.events.length > 0 ? backlog.firstSeq : null,
      lane: lane.events.length > 0 ? { from: fresh?.from ?? lane.firstSeq, to: lane.lastSeq } : null,
    };
  }

  /**
   * The sequence is ahead of the acknowledgment but no event after it is left here: the
   * seqs in between were skipped by a rebase after a restore, and the Secretariat may
   * hold them. Its heartbeat answer says; if it does not acknowledge them, they are lost
   * with the old database and only a person can decide (secretariat_gap, backoff).
   * Returning 0 here instead would spin on resolved promises and starve every timer,
   * the heartbeat's included (seen as a hung test under load).
   */
  async #nothingToRead(acked: number, head: number): Promise<number> {
    await this.sendHeartbeat();
    if (this.#status.ackedThroughSeq > acked || this.#stopped) return 0;
    throw new SyncError('refused', 'secretariat_gap', `the outbox has no events after seq ${acked} but its sequence is at ${head}, and the Secretariat acknowledges only through ${acked}: seqs ${acked + 1}–${head} are in neither place (a restored database?); see docs/noc-runbook.md`);
  }

  /**
   * The fresh lane: while a backlog drains, the oldest not-yet-sent events of the
   * newest stretch ride along, continuing one run so the Secretariat's contiguous ack
   * jumps over it when the backlog reaches it (no event is sent twice).
   */
  #freshSlice(backlog: OutboxSlice, head: number, room: number): OutboxSlice {
    const max = Math.min(this.#o.settings.freshLaneEvents, room);
    const empty: OutboxSlice = { events: [], firstSeq: 0, lastSeq: 0, bytes: 0 };
    if (max === 0 || backlog.events.length === 0) return empty;
    const fresh = this.#status.freshLane;
    const start = fresh ? fresh.to + 1 : Math.max(backlog.lastSeq + 1, head - max + 1);
    // Only when the backlog after this batch is still longer than one batch.
    if (head - backlog.lastSeq <= this.#sizer.current || start <= backlog.lastSeq || start > head) return empty;
    return this.#o.reader.read(start - 1, max, Math.floor(this.#o.settings.batchMaxBytes / 4));
  }

  async #accept(ackedThroughSeq: number, highestSeq: number, quarantined: SyncAck['quarantined']): Promise<void> {
    if (highestSeq > Number.MAX_SAFE_INTEGER / 4) throw new SyncError('refused', 'implausible_answer', `the Secretariat answered highestSeq ${highestSeq}; refusing to move the outbox there`);
    if (highestSeq > this.#o.reader.lastSeq()) {
      this.#o.log.error({ highestSeq, lastSeq: this.#o.reader.lastSeq() }, 'the Secretariat holds events this database never had (restored from a backup?): new events continue after its highest seq, under a new outbox epoch');
      await this.#o.rebase(highestSeq);
    }
    if (ackedThroughSeq > this.#o.reader.lastSeq()) throw new SyncError('refused', 'implausible_answer', `the Secretariat acknowledged seq ${ackedThroughSeq}, beyond this outbox (${this.#o.reader.lastSeq()})`);
    const now = this.#o.clock.now();
    await this.#o.persistAck({ kind: 'sync_ack', ackedThroughSeq, highestSeq, atMs: now, quarantined });
    this.#status.ackedThroughSeq = ackedThroughSeq;
    this.#status.highestSeq = highestSeq;
    this.#status.lastSyncAt = new Date(now).toISOString();
    const fresh = this.#status.freshLane;
    if (fresh && ackedThroughSeq >= fresh.to) this.#status.freshLane = null;
  }

  async #failed(error: unknown): Promise<number> {
    const now = new Date(this.#o.clock.now()).toISOString();
    const syncError = error instanceof SyncError ? error : new SyncError('server', 'unexpected', (error as Error).message ?? String(error), { cause: error });
    this.#status.lastError = { code: syncError.code, message: syncError.message, at: now };
    this.#sizer.shrink();
    switch (syncError.kind) {
      case 'rate_limited':
        this.#status.state = 'rate_limited';
        this.#status.rateLimitedTotal++;
        return this.#backoff.rateLimited(syncError.retryAfterMs);
      case 'too_large':
        // Smaller batches next (the sizer halved above); still a failure, so a limit
        // below the smallest batch backs off instead of spinning.
        this.#status.state = 'backoff';
        return this.#backoff.failure();
      case 'conflict': {
        const from = Math.min(...syncError.conflicts!.seqs);
        this.#o.log.error({ from, highestSeq: syncError.conflicts!.highestSeq }, 'the Secretariat holds some of our seqs with another content (restored database?): renumbering unsent events after its highest seq, under a new epoch');
        await this.#o.renumber(from, syncError.conflicts!.highestSeq);
        this.#status.freshLane = null;
        return 0;
      }
      case 'refused':
      case 'clock': {
        // Credentials, contract or clock: retrying cannot fix it, a person must, so it
        // is loud; it is still retried (slowly) in case the cause was transient.
        this.#status.state = 'refused';
        const delay = this.#backoff.failure();
        this.#o.log.error({ code: syncError.code, status: syncError.status, retryInMs: delay }, `the Secretariat refused the batch: ${syncError.message}`);
        return delay;
      }
      default: {
        this.#status.state = 'backoff';
        const delay = this.#backoff.failure();
        const level = this.#backoff.failures === 1 || this.#backoff.failures % 20 === 0 ? 'warn' : 'debug';
        this.#o.log[level]({ code: syncError.code, failures: this.#backoff.failures, retryInMs: delay }, `sync to the Secretariat failed: ${syncError.message}`);
        return delay;
      }
    }
  }
}
