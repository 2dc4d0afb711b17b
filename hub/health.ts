import type { Database } from 'better-sqlite3';
import { statSync, statfsSync } from 'node:fs';
import type { Clock } from '../runtime/clock.ts';
import { readOutboxEpoch } from './store/outbox.ts';
import { readSyncPosition } from './sync/sync-meta.ts';
import { canPrint } from '../protocol/events/peripherals.ts';
import type { Outbox } from './store/outbox.ts';
import { readStats } from './store/stats.ts';
import type { WriterStats } from './store/writer/writer-protocol.ts';
import type { DiskReading } from './store/disk-budget.ts';
import type { SyncStatus } from './sync/sync-client.ts';
import type { QueueHealth } from './queue/queue-part.ts';
import type { SignHealth } from './peripherals/serial-call-signs.ts';

/** `GET /health` (process contract: the named fields are what outside checks read). */
export interface HealthSnapshot {
  /** `degraded` when something in `problems` keeps the hub from storing what it acknowledges. */
  status: 'ok' | 'degraded';
  problems: string[];
  /** Alarms that do not (yet) keep the hub from working: disk filling, sync refused. */
  warnings: string[];
  pid: number;
  version: string;
  centreId: string;
  startedAt: string;
  uptimeS: number;
  /** `port` is null when only MQTT over TLS is served; `tlsPort` null without TLS. */
  mqtt: { port: number | null; tlsPort: number | null; connections: number };
  /** `httpsPort` null without TLS; open connections and event streams, refusals by reason, PIN hashes run (docs/security.md). */
  http: { port: number; httpsPort: number | null; connections: number; streams: number; refusedTotal: number; refusedByReason: Record<string, number>; pinHashes: number };
  /** The centre certificate when TLS is on: what bridges and kiosks pin (docs/security.md, "TLS"). */
  tls: { caSha256: string; serverSpkiSha256: string; notAfter: string } | null;
  devices: { total: number; online: number; connected: number };
  ingest: {
    pressesTotal: number;
    duplicatesTotal: number;
    /** Everything refused: connections, subscriptions and messages (see rejectedByReason). */
    rejectedTotal: number;
    rejectedByReason: Record<string, number>;
    /** The part of rejectedTotal that is refused connections (credentials, client id). */
    connectionsRefusedTotal: number;
    misuseTotal: number;
    quarantineNotKeptTotal: number;
  };
  store: {
    outboxEpoch: string;
    outboxLastSeq: number;
    dbBytes: number;
    walBytes: number;
    freeDiskBytes: number | null;
    /** The disk budget: ok, warn, critical, or refusing (new presses refused). */
    diskState: string;
    commits: number;
    failedCommits: number;
    largestBatch: number;
  };
  sync: {
    /** not_configured, idle (caught up), sending, draining, backoff, rate_limited, refused. */
    state: string;
    backlogEvents: number;
    oldestUnsyncedAgeS: number;
    lastSyncAt: string | null;
    ackedThroughSeq: number;
    highestSeq: number;
    lastError: { code: string; message: string; at: string } | null;
    consecutiveFailures: number;
    nextAttemptAt: string | null;
    clockOffsetMs: number | null;
    /** Records the Secretariat set aside as invalid (they do not block the queue). */
    quarantinedTotal: number;
    prunedOutboxTotal: number;
    eventsSent: number;
    rateLimitedTotal: number;
    lastHeartbeatAt: string | null;
  };
  /** The queue today and the ticket printer; null in store-only tests. */
  queue: QueueHealth | null;
  /** Hall boards and counter displays, and whether each answers. */
  displays: SignHealth[];
  /** Event-bus listeners that threw since start (each logged; the event still reached the others). */
  eventListenerFailures: number;
}

export interface HealthSources {
  pid: number;
  version: string;
  centreId: string;
  startedAt: number;
  clock: Clock;
  db: Database;
  dataDir: string;
  databasePath: string;
  outbox: Outbox;
  writerStats: WriterStats;
  mqtt: () => HealthSnapshot['mqtt'];
  http: () => HealthSnapshot['http'];
  tls?: () => HealthSnapshot['tls'];
  devices: () => { total: number; online: number; connected: number };
  sync: () => SyncStatus | null;
  disk: () => DiskReading;
  storeWriterAvailable: () => boolean;
  queue?: () => QueueHealth;
  displays?: () => SignHealth[];
  listenerFailures?: () => number;
}

const CONNECTION_REFUSALS = ['unknown_device', 'bad_password', 'client_id_mismatch', 'connection_limit'];

/** Reads everything fresh: cheap (a handful of indexed reads), and never stale. */
export function healthSnapshot(s: HealthSources): HealthSnapshot {
  const now = s.clock.now();
  const counters = readStats(s.db);
  const rejectedByReason: Record<string, number> = {};
  let rejectedTotal = 0;
  for (const [name, value] of Object.entries(counters)) {
    if (!name.startsWith('rejected.')) continue;
    rejectedByReason[name.slice('rejected.'.length)] = value;
    rejectedTotal += value;
  }
  const lastSeq = s.outbox.head().lastSeq;
  const sync = s.sync();
  const disk = s.disk();
  const position = readSyncPosition(s.db);
  const ackedThroughSeq = sync?.ackedThroughSeq ?? position.ackedThroughSeq;
  const lastSyncAt = sync?.lastSyncAt ?? position.lastSyncAt;
  const backlogEvents = Math.max(0, lastSeq - ackedThroughSeq);
  const oldestAt = backlogEvents > 0 ? s.outbox.firstAtAfter(ackedThroughSeq) : undefined;
  const problems = s.storeWriterAvailable() ? [] : ['store writer is restarting: presses are not being acknowledged'];
  if (disk.state === 'refusing') problems.push(`disk budget exhausted, new presses are refused: ${disk.reason}`);
  // Early alarms: everything still works, but someone should look (noc-runbook.md).
  const warnings = disk.state === 'warn' || disk.state === 'critical' ? [`disk ${disk.state}: ${disk.reason}`] : [];
  const queue = s.queue?.() ?? null;
  if (queue && queue.printer.state !== 'ready') {
    const prints = canPrint(queue.printer.state);
    (prints ? warnings : problems).push(`ticket printer: ${queue.printer.state.replaceAll('_', ' ')}${prints ? ' (tickets still print; load paper soon)' : ': the kiosk issues no tickets'}`);
  }
  const displays = s.displays?.() ?? [];
  for (const sign of displays) if (!sign.healthy) warnings.push(`${sign.kind === 'hall' ? 'hall board' : 'counter display'} ${sign.id} not answering: ${sign.reason ?? 'unknown'} (retrying)`);
  if (sync?.state === 'refused') warnings.push(`the Secretariat refuses this hub's requests: ${sync.lastError?.message ?? 'unknown reason'}`);
  return {
    status: problems.length === 0 ? 'ok' : 'degraded',
    problems,
    warnings,
    pid: s.pid,
    version: s.version,
    centreId: s.centreId,
    startedAt: new Date(s.startedAt).toISOString(),
    uptimeS: Math.round((now - s.startedAt) / 1000),
    mqtt: s.mqtt(),
    http: s.http(),
    tls: s.tls?.() ?? null,
    devices: s.devices(),
    ingest: {
      pressesTotal: counters.presses ?? 0,
      duplicatesTotal: counters.duplicates ?? 0,
      rejectedTotal,
      rejectedByReason,
      connectionsRefusedTotal: CONNECTION_REFUSALS.reduce((sum, reason) => sum + (rejectedByReason[reason] ?? 0), 0),
      misuseTotal: counters.misuse ?? 0,
      quarantineNotKeptTotal: counters['quarantine.not_kept'] ?? 0,
    },
    store: {
      outboxEpoch: readOutboxEpoch(s.db),
      outboxLastSeq: lastSeq,
      dbBytes: fileSize(s.databasePath),
      walBytes: fileSize(`${s.databasePath}-wal`),
      freeDiskBytes: freeBytes(s.dataDir),
      diskState: disk.state,
      commits: s.writerStats.commits,
      failedCommits: s.writerStats.failedCommits,
      largestBatch: s.writerStats.largestBatch,
    },
    sync: {
      state: sync === null ? 'not_configured' : sync.state === 'sending' && sync.draining ? 'draining' : sync.state,
      backlogEvents,
      oldestUnsyncedAgeS: oldestAt === undefined ? 0 : Math.max(0, Math.round((now - oldestAt) / 1000)),
      lastSyncAt,
      ackedThroughSeq,
      highestSeq: sync?.highestSeq ?? position.highestSeq,
      lastError: sync?.lastError ?? null,
      consecutiveFailures: sync?.consecutiveFailures ?? 0,
      nextAttemptAt: sync?.nextAttemptAt ?? null,
      clockOffsetMs: sync?.clockOffsetMs ?? null,
      quarantinedTotal: counters['sync.quarantined'] ?? 0,
      prunedOutboxTotal: counters['sync.pruned_outbox'] ?? 0,
      eventsSent: sync?.eventsSent ?? 0,
      rateLimitedTotal: sync?.rateLimitedTotal ?? 0,
      lastHeartbeatAt: sync?.lastHeartbeatAt ?? null,
    },
    queue,
    displays,
    eventListenerFailures: s.listenerFailures?.() ?? 0,
  };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function freeBytes(dir: string): number | null {
  try {
    const fs = statfsSync(dir);
    return fs.bavail * fs.bsize;
  } catch {
    return null;
  }
}
