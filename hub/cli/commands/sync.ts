import type { Database } from 'better-sqlite3';
import { HubError } from '../../errors.ts';
import type { HealthSnapshot } from '../../health.ts';
import { writeMeta } from '../../store/meta.ts';
import { Outbox, readOutboxEpoch } from '../../store/outbox.ts';
import { readSyncPosition, readSyncQuarantine, SYNC_META } from '../../sync/sync-meta.ts';
import { runningHub } from '../../store/instance-lock.ts';
import { readStats } from '../../store/stats.ts';
import { parseCommandArgs, printJson, type CliIo } from '../../../runtime/cli.ts';
import { dataDirOf, existingDataDir, withStore } from '../store-access.ts';
import { renderProgress } from './progress-bar.ts';

const USAGE = {
  status: 'huduma-hub sync status [--data-dir DIR]',
  drain: 'huduma-hub sync drain [--data-dir DIR] [--timeout SECONDS]',
};

/**
 * `sync status`: where this centre stands with the Secretariat, from the database
 * (works with the hub stopped) plus the running hub's live state.
 * `sync drain`: makes the running hub try now (skipping its backoff) and shows the
 * backlog going down until it is empty; a progress bar on stderr, JSON on stdout.
 */
export async function syncCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const common = { 'data-dir': { type: 'string' }, config: { type: 'string' } } as const;
  switch (sub) {
    case 'status': {
      const { values } = parseCommandArgs(rest, common, USAGE.status);
      const stored = withStore(values, (db) => storedSyncState(db));
      const live = await liveHealth(dataDirOf(values));
      printJson(io, { ...stored, hubRunning: live !== null, live: live?.sync ?? null });
      return 0;
    }
    case 'drain':
      return drain(rest, io);
    default:
      throw new HubError('usage', `unknown sync command "${sub ?? ''}"; one of:\n  ${Object.values(USAGE).join('\n  ')}`);
  }
}

async function drain(rest: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(rest, { 'data-dir': { type: 'string' }, config: { type: 'string' }, timeout: { type: 'string' } }, USAGE.drain);
  const timeoutS = values.timeout === undefined ? Infinity : Number(values.timeout);
  if (!(timeoutS > 0)) throw new HubError('usage', `--timeout must be a number of seconds > 0\n\nusage: ${USAGE.drain}`);
  const dataDir = existingDataDir(values);
  const first = await liveHealth(dataDir);
  if (!first) throw new HubError('hub_not_running', `no hub is running on data dir ${dataDir}; start it (huduma-hub start) and run sync drain again`);
  if (first.sync.state === 'not_configured') throw new HubError('sync_not_configured', 'this hub has no Secretariat configured (secretariat.url and secretariat.secret, or --secretariat-url and --secretariat-secret)');
  withStore(values, (db) => writeMeta(db, SYNC_META.kickAt, new Date().toISOString()));

  const startedAt = Date.now();
  const startBacklog = first.sync.backlogEvents;
  let health = first;
  const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
  let lastLine = 0;
  for (;;) {
    const done = health.sync.backlogEvents === 0;
    const elapsedS = (Date.now() - startedAt) / 1000;
    if (tty || done || Date.now() - lastLine >= 5000) {
      io.stderr.write(`${renderProgress({ total: startBacklog, remaining: health.sync.backlogEvents, elapsedS, state: health.sync.state, error: health.sync.lastError?.message ?? null })}${tty && !done ? '\r' : '\n'}`);
      lastLine = Date.now();
    }
    if (done || elapsedS >= timeoutS) {
      printJson(io, { drained: done, backlogEvents: health.sync.backlogEvents, ackedThroughSeq: health.sync.ackedThroughSeq, sentEvents: startBacklog - health.sync.backlogEvents, seconds: Math.round(elapsedS * 10) / 10, state: health.sync.state, lastError: health.sync.lastError });
      return done ? 0 : 75;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const next = await liveHealth(dataDir);
    if (!next) throw new HubError('hub_not_running', 'the hub stopped while draining; what was acknowledged is kept, start it again to go on');
    health = next;
  }
}

function storedSyncState(db: Database) {
  const outbox = new Outbox(db);
  const { lastSeq } = outbox.head();
  const { ackedThroughSeq, lastSyncAt } = readSyncPosition(db);
  const oldestAt = outbox.firstAtAfter(ackedThroughSeq);
  const stats = readStats(db);
  return {
    outboxEpoch: readOutboxEpoch(db) || null,
    lastSeq,
    ackedThroughSeq,
    backlogEvents: Math.max(0, lastSeq - ackedThroughSeq),
    oldestUnsyncedAt: oldestAt === undefined ? null : new Date(oldestAt).toISOString(),
    lastSyncAt,
    quarantinedTotal: stats['sync.quarantined'] ?? 0,
    quarantined: readSyncQuarantine(db, 20),
    prunedOutboxTotal: stats['sync.pruned_outbox'] ?? 0,
  };
}

/** The running hub's /health, or null when no hub runs on the data dir or it does not answer. */
async function liveHealth(dataDir: string): Promise<HealthSnapshot | null> {
  const owner = runningHub(dataDir);
  if (!owner?.httpPort) return null;
  try {
    const response = await fetch(`http://127.0.0.1:${owner.httpPort}/health`, { signal: AbortSignal.timeout(3000) });
    return response.ok ? ((await response.json()) as HealthSnapshot) : null;
  } catch {
    return null;
  }
}
