import type { Database } from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { SyncHeartbeat } from '../../protocol/sync/heartbeat.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { HubConfig } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import { readMeta } from '../store/database.ts';
import { readOutboxEpoch } from '../store/outbox.ts';
import { readSyncPosition, SYNC_META } from './sync-meta.ts';
import type { DiskBudget } from '../store/disk-budget.ts';
import { readStats } from '../store/stats.ts';
import type { StoreWriter } from '../store/writer/store-writer.ts';
import { HUB_VERSION } from '../version.ts';
import { FeedbackTodayCounter } from './feedback-today.ts';
import { HttpSyncTransport } from './http-transport.ts';
import { OutboxReader } from './outbox-reader.ts';
import { RetentionPruner } from './retention.ts';
import { SignedExchange } from './signed-exchange.ts';
import { SyncClient, type SyncStatus } from './sync-client.ts';
import type { HubPart } from '../part.ts';

export interface SyncPartOptions {
  config: HubConfig;
  db: Database;
  writer: StoreWriter;
  disk: DiskBudget;
  devices: () => { online: number; total: number };
  clock: Clock;
  log: Logger;
  /** Tests use a seeded random for reproducible jitter. */
  random?: () => number;
}

/** Meta key a technician's `huduma-hub sync drain` bumps to make the hub try at once. */

/**
 * Everything sync, wired: the sender (when a Secretariat is configured), the
 * heartbeat, retention pruning (which runs either way: it only removes what the
 * Secretariat acknowledged), and the kick a CLI command leaves in the database.
 */
export class SyncPart implements HubPart {
  readonly #o: SyncPartOptions;
  readonly reader: OutboxReader;
  readonly #pruner: RetentionPruner;
  readonly #today: FeedbackTodayCounter;
  #client: SyncClient | null = null;
  #transport: HttpSyncTransport | null = null;
  #cancelKickPoll: (() => void) | null = null;
  #lastKick: string | undefined;

  constructor(options: SyncPartOptions) {
    this.#o = options;
    this.reader = new OutboxReader(options.db);
    this.#today = new FeedbackTodayCounter(options.db, options.config.centre.timezone);
    this.#pruner = new RetentionPruner({
      settings: options.config.store,
      clock: options.clock,
      log: options.log,
      ackedThroughSeq: () => this.#acked(),
      prune: async (op) => (await options.writer.write(op)).pruned,
    });
  }

  get configured(): boolean {
    return this.#client !== null;
  }

  start(): void {
    const { config, db, clock, log } = this.#o;
    this.#pruner.start();
    const { url, secret } = config.secretariat;
    if (!url || !secret) return;
    this.#transport = new HttpSyncTransport(url, () => clock.now());
    const exchange = new SignedExchange({ transport: this.#transport, pathFor: (p) => this.#transport!.pathFor(p), centreId: config.centre.id, secret, clock, timeoutMs: config.secretariat.requestTimeoutMs });
    this.#client = new SyncClient({
      centreId: config.centre.id,
      epoch: () => readOutboxEpoch(db),
      settings: config.secretariat,
      reader: this.reader,
      exchange,
      persistAck: async (op) => void (await this.#o.writer.write(op)),
      rebase: async (highestSeq) => void (await this.#o.writer.write({ kind: 'rebase', highestSeq, epoch: randomUUID() })),
      renumber: async (fromSeq, afterSeq) => void (await this.#o.writer.write({ kind: 'renumber', fromSeq, afterSeq, epoch: randomUUID() })),
      heartbeat: () => this.heartbeat(),
      initial: { ...readSyncPosition(db), ackedThroughSeq: this.#acked() },
      clock,
      log,
      ...(this.#o.random ? { random: this.#o.random } : {}),
    });
    this.#client.start();
    this.#lastKick = readMeta(db, SYNC_META.kickAt);
    this.#cancelKickPoll = clock.setRepeating(() => this.#pollKick(), 250);
    log.info({ url: redactUrl(url) }, 'syncing to the Secretariat');
  }

  async stop(): Promise<void> {
    this.#cancelKickPoll?.();
    await this.#pruner.stop();
    const stopping = this.#client?.stop();
    // Aborts a request in flight (a stalled WAN would hold stop() for the request
    // timeout); nothing is lost, the cursor only moves on an answer.
    this.#transport?.close();
    await stopping;
  }

  /** New events in the outbox. */
  notify(): void {
    this.#client?.notify();
  }

  kick(): void {
    this.#client?.kick();
  }

  status(): SyncStatus | null {
    return this.#client?.status() ?? null;
  }

  pruneNow(): Promise<void> {
    return this.#pruner.runOnce();
  }

  heartbeat(): SyncHeartbeat {
    const { config, db, clock } = this.#o;
    const now = clock.now();
    const status = this.#client?.status();
    const acked = status?.ackedThroughSeq ?? this.#acked();
    const lastSeq = this.reader.lastSeq();
    const backlogEvents = Math.max(0, lastSeq - acked);
    const oldestAt = backlogEvents > 0 ? this.reader.firstAtAfter(acked) : undefined;
    const devices = this.#o.devices();
    const disk = this.#o.disk.reading;
    return {
      v: 1,
      centreId: config.centre.id,
      epoch: readOutboxEpoch(db),
      at: new Date(now).toISOString(),
      version: HUB_VERSION,
      lastSeq,
      ackedThroughSeq: acked,
      backlogEvents,
      backlogBytes: this.reader.estimateBytes(acked, backlogEvents),
      oldestUnsyncedAgeS: oldestAt === undefined ? 0 : Math.max(0, Math.round((now - oldestAt) / 1000)),
      lastSyncAt: status?.lastSyncAt ?? readSyncPosition(db).lastSyncAt,
      devicesOnline: devices.online,
      devicesTotal: devices.total,
      clockOffsetMs: status?.clockOffsetMs ?? null,
      freeDiskBytes: disk.freeBytes,
      diskState: disk.state,
      quarantinedTotal: readStats(db)['sync.quarantined'] ?? 0,
      feedbackToday: this.#today.at(now),
      centre: { names: config.centre.name, timeZone: config.centre.timezone },
    };
  }

  #acked(): number {
    return this.#client?.status().ackedThroughSeq ?? readSyncPosition(this.#o.db).ackedThroughSeq;
  }

  #pollKick(): void {
    const kick = readMeta(this.#o.db, SYNC_META.kickAt);
    if (kick === this.#lastKick) return;
    this.#lastKick = kick;
    this.#o.log.info('sync drain requested: trying the Secretariat now');
    this.#client?.kick();
    void this.#client?.sendHeartbeat();
  }
}

/** A URL for the log without credentials in it. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '[redacted]';
    return parsed.toString();
  } catch {
    return '[unparseable url]';
  }
}
