// The backlog the hub drains, and the baseline it is compared with: the Secretariat
// store's own plain batched insert (`rawInsert`) of the very same events.
import BetterSqlite3 from 'better-sqlite3';
import { systemClock } from '../../runtime/clock.ts';
import { DeviceStore } from '../../hub/devices/device-store.ts';
import { hubDatabasePath, openHubDatabase } from '../../hub/store/database.ts';
import { localDay } from '../../secretariat/local-day.ts';
import { openSecretariatStore } from '../../secretariat/store/open-store.ts';
import type { IncomingEvent } from '../../secretariat/store/store.ts';
import { writeBacklog } from '../../tests/helpers/outbox-backlog.ts';
import { percentile } from '../bridge/wait.ts';

const DAY_MS = 86_400_000;

/**
 * `count` feedback.pressed events (and their press rows) written straight into a fresh
 * hub data dir, spread over the 7 days ending now, as if the WAN had been down for a
 * week. One transaction; ~15 µs per event on the reference VM, so 1M takes ~15 s.
 */
export function generateBacklog(dataDir: string, count: number): { lastSeq: number; seconds: number } {
  const started = performance.now();
  const { lastSeq } = writeBacklog(dataDir, { count, spanMs: 7 * DAY_MS, endMs: Date.now(), devices: 10 });
  return { lastSeq, seconds: (performance.now() - started) / 1000 };
}

/** Provisions live devices in the hub data dir (before the hub starts), as `huduma-hub device add` does. */
export function provisionDevices(dataDir: string, ids: string[]): Array<{ deviceId: string; password: string }> {
  const db = openHubDatabase(dataDir, { role: 'cli' });
  try {
    const store = new DeviceStore(db, systemClock);
    const counters = ['c01', 'c02', 'c03', 'c04'];
    return ids.map((id, i) => store.add(id, counters[i % counters.length]!, new Set(counters)));
  } finally {
    db.close();
  }
}

/** What the hub's outbox and press table hold (read-only; run while no hub writes). */
export function hubOutboxCounts(dataDir: string): { lastSeq: number; outboxRows: number; presses: number } {
  const db = new BetterSqlite3(hubDatabasePath(dataDir), { readonly: true, fileMustExist: true });
  try {
    const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      lastSeq: one("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0) AS n"),
      outboxRows: one('SELECT COUNT(*) AS n FROM outbox'),
      presses: one('SELECT COUNT(*) AS n FROM presses'),
    };
  } finally {
    db.close();
  }
}

interface OutboxRow {
  seq: number;
  type: string;
  at: number;
  data: string;
  hash: Buffer;
}

/**
 * One outbox row as the receiver's intake turns it into an IncomingEvent
 * (secretariat/sync/batch-intake.ts): `dataJson` is the data's JSON text (the hub's
 * stored text is exactly that), `hash` hex, and for presses the rating and local day.
 */
function incoming(row: OutboxRow, timeZone: string): IncomingEvent {
  const dataJson = row.data;
  const event: IncomingEvent = { seq: row.seq, type: row.type, at: new Date(row.at).toISOString(), dataJson, hash: row.hash.toString('hex') };
  if (row.type === 'feedback.pressed') {
    const press = JSON.parse(dataJson) as { pressedAt: string; rating: 1 | 2 | 3 | 4; misuse: boolean };
    event.feedback = { day: localDay(Date.parse(press.pressedAt), timeZone), rating: press.rating, misuse: press.misuse };
  }
  return event;
}

export interface RawInsertResult {
  events: number;
  /** Time spent inside rawInsert only (reading and building the events is not counted). */
  seconds: number;
  eventsPerSecond: number;
  /** Per-chunk (one transaction, one fsync) insert time. */
  chunkMs: { p50: number; p99: number; max: number };
}

/**
 * The baseline: a fresh SQLite Secretariat store in `storeDir`, the centre registered,
 * then every event of the hub's outbox through `store.rawInsert` in chunks of `chunk`
 * (the hub's batch size): one transaction per chunk, multi-row INSERTs, no dedup, no
 * counters. Events are read and built chunk by chunk, outside the timed part, so the
 * bench never holds the whole backlog in memory.
 */
export async function rawInsertBaseline(hubDataDir: string, storeDir: string, centreId: string, chunk: number, timeZone = 'Africa/Nairobi'): Promise<RawInsertResult> {
  const hub = new BetterSqlite3(hubDatabasePath(hubDataDir), { readonly: true, fileMustExist: true });
  const store = await openSecretariatStore({ dataDir: storeDir });
  try {
    await store.addCentre(centreId, 'bench-secret-not-used-for-signing', Date.now());
    const rows = hub.prepare('SELECT seq, type, at, data, hash FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?');
    const chunkMs: number[] = [];
    let after = 0;
    let events = 0;
    let seconds = 0;
    for (;;) {
      const batch = (rows.all(after, chunk) as OutboxRow[]).map((row) => incoming(row, timeZone));
      if (batch.length === 0) break;
      const receivedAtMs = Date.now();
      const t0 = performance.now();
      await store.rawInsert(centreId, batch, receivedAtMs);
      const ms = performance.now() - t0;
      chunkMs.push(ms);
      seconds += ms / 1000;
      events += batch.length;
      after = batch[batch.length - 1]!.seq;
    }
    return { events, seconds, eventsPerSecond: events / seconds, chunkMs: { p50: percentile(chunkMs, 50), p99: percentile(chunkMs, 99), max: Math.max(...chunkMs) } };
  } finally {
    await store.close();
    hub.close();
  }
}
