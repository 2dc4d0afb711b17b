import type { Database } from 'better-sqlite3';
import { statSync, statfsSync } from 'node:fs';
import type { Clock } from './clock.ts';
import { readMeta } from './store/database.ts';
import type { Outbox } from './store/outbox.ts';
import { readStats } from './store/stats.ts';
import type { WriterStats } from './store/writer/ops.ts';

/** `GET /health` (process contract: the named fields are what outside checks read). */
export interface HealthSnapshot {
  /** `degraded` when something in `problems` keeps the hub from storing what it acknowledges. */
  status: 'ok' | 'degraded';
  problems: string[];
  pid: number;
  version: string;
  centreId: string;
  startedAt: string;
  uptimeS: number;
  mqtt: { port: number; connections: number };
  http: { port: number };
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
    commits: number;
    failedCommits: number;
    largestBatch: number;
  };
  sync: {
    state: string;
    backlogEvents: number;
    oldestUnsyncedAgeS: number;
    lastSyncAt: string | null;
    ackedThroughSeq: number;
  };
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
  mqtt: () => { port: number; connections: number };
  http: () => { port: number };
  devices: () => { total: number; online: number; connected: number };
  syncState: () => string;
  storeWriterAvailable: () => boolean;
}

const CONNECTION_REFUSALS = ['unknown_device', 'bad_password', 'client_id_mismatch'];

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
  const ackedThroughSeq = Number(readMeta(s.db, 'sync_acked_through_seq') ?? 0);
  const lastSyncAt = readMeta(s.db, 'sync_last_at') ?? null;
  const backlogEvents = Math.max(0, lastSeq - ackedThroughSeq);
  const oldestAt = backlogEvents > 0 ? s.outbox.timeOf(ackedThroughSeq + 1) : undefined;
  const problems = s.storeWriterAvailable() ? [] : ['store writer is restarting: presses are not being acknowledged'];
  return {
    status: problems.length === 0 ? 'ok' : 'degraded',
    problems,
    pid: s.pid,
    version: s.version,
    centreId: s.centreId,
    startedAt: new Date(s.startedAt).toISOString(),
    uptimeS: Math.round((now - s.startedAt) / 1000),
    mqtt: s.mqtt(),
    http: s.http(),
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
      outboxEpoch: readMeta(s.db, 'outbox_epoch') ?? '',
      outboxLastSeq: lastSeq,
      dbBytes: fileSize(s.databasePath),
      walBytes: fileSize(`${s.databasePath}-wal`),
      freeDiskBytes: freeBytes(s.dataDir),
      commits: s.writerStats.commits,
      failedCommits: s.writerStats.failedCommits,
      largestBatch: s.writerStats.largestBatch,
    },
    sync: {
      state: s.syncState(),
      backlogEvents,
      oldestUnsyncedAgeS: oldestAt === undefined ? 0 : Math.max(0, Math.round((now - oldestAt) / 1000)),
      lastSyncAt,
      ackedThroughSeq,
    },
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
