import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { HubConfig } from '../../hub/config/schema.ts';
import { hubDatabasePath } from '../../hub/store/database.ts';
import { eventHash } from '../../protocol/sync/event-hash.ts';
import { connectDevice, newBootId, publishPress, uptimeSince } from '../helpers/device-client.ts';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { waitUntil } from '../helpers/hub-process.ts';
import { hubOutboxDigest, writeBacklog } from '../helpers/outbox-backlog.ts';
import { startSecretariat, type SecretariatFixture } from '../helpers/secretariat-fixture.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Fast timings for tests; the defaults are minutes, for a real WAN. */
function syncTo(url: string, secret: string, extra: Partial<HubConfig['secretariat']> = {}) {
  return (config: HubConfig) => {
    config.secretariat = {
      ...config.secretariat,
      url,
      secret,
      heartbeatIntervalMs: 200,
      pollMs: 50,
      lingerMs: 10,
      requestTimeoutMs: 2000,
      backoff: { initialMs: 20, maxMs: 200, holdDownMs: 20 },
      ...extra,
    };
  };
}

async function setUp(options: { proxy?: boolean; syncExtra?: Partial<HubConfig['secretariat']>; dataDir?: string } = {}): Promise<{ sec: SecretariatFixture; hub: HubFixture; proxy: FaultProxy | null }> {
  const sec = await startSecretariat();
  cleanups.push(() => sec.stop());
  const secret = await sec.addCentre('demo-centre');
  const proxy = options.proxy ? await startFaultProxy({ targetPort: sec.port }) : null;
  if (proxy) cleanups.push(() => proxy.close());
  const url = proxy ? `http://127.0.0.1:${proxy.port}` : sec.url;
  const hub = await startHub({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), configure: syncTo(url, secret, options.syncExtra) });
  cleanups.push(() => hub.stop());
  return { sec, hub, proxy };
}

const issued = new Map<string, ReturnType<HubFixture['addDevice']>>();
/** One uptime per boot: the boot started 200 s before its first press here, so its presses (3 s apart) are today's. */
const uptimes = new Map<string, () => number>();
async function pressMany(hub: HubFixture, deviceId: string, count: number, firstSeq = 1, boot = newBootId()) {
  if (!uptimes.has(boot)) uptimes.set(boot, uptimeSince(200_000));
  const uptime = uptimes.get(boot)!;
  const key = `${hub.dataDir}/${deviceId}`;
  if (!issued.has(key)) issued.set(key, hub.addDevice(deviceId));
  const credentials = issued.get(key)!;
  const client = await connectDevice(hub.ports.mqtt, credentials);
  for (let i = 0; i < count; i++) {
    const seq = firstSeq + i;
    await publishPress(client, 'demo-centre', deviceId, { seq, boot, rating: ((seq % 4) + 1) as 1, upMs: seq * 3000, sentUpMs: uptime() });
  }
  await client.endAsync();
  return boot;
}

const caughtUp = (hub: HubFixture) =>
  waitUntil(async () => hub.hub.health().sync, (s) => s.backlogEvents === 0 && s.state === 'idle', 'the hub to be caught up');

describe('sync to the Secretariat', () => {
  it('delivers every outbox event exactly once, in order, and reports it in /health and the Secretariat API', async () => {
    const { sec, hub } = await setUp();
    await pressMany(hub, 'eifd-01', 12);
    const sync = await caughtUp(hub);
    const outbox = hubOutboxDigest(hub.dataDir);
    expect(sync.ackedThroughSeq).toBe(outbox.lastSeq);
    expect(sync.lastSyncAt).not.toBeNull();
    const held = sec.held('demo-centre');
    expect(held.seqs).toEqual(Array.from({ length: outbox.lastSeq }, (_, i) => i + 1));
    expect(held.digest).toBe(outbox.digest);
    const centre = await sec.centre('demo-centre');
    expect(centre.eventsByType['feedback.pressed']).toBe(12);
    expect(centre.ackedThroughSeq).toBe(outbox.lastSeq);
    expect(centre.duplicatesIgnored).toBe(0);
  });

  it('sends heartbeats with live devices, backlog and today’s feedback, also with nothing to sync', async () => {
    const { sec, hub } = await setUp();
    await pressMany(hub, 'eifd-01', 3);
    const centre = await waitUntil(() => sec.centre('demo-centre'), (c) => (c.heartbeat?.feedbackToday.presses ?? 0) === 3, 'a heartbeat counting 3 presses');
    expect(centre.heartbeat!.devicesTotal).toBe(1);
    expect(centre.heartbeat!.epoch).toBe(hub.hub.health().store.outboxEpoch);
    expect(Object.values(centre.heartbeat!.feedbackToday.byRating).reduce((a, b) => a + b, 0)).toBe(3);
    expect(typeof centre.heartbeat!.clockOffsetMs === 'number' || centre.heartbeat!.clockOffsetMs === null).toBe(true);
    const first = centre.lastHeartbeatAt!;
    await waitUntil(() => sec.centre('demo-centre'), (c) => c.lastHeartbeatAt !== first, 'a second heartbeat with nothing new to sync');
    expect(hub.hub.health().sync.clockOffsetMs).not.toBeNull();
  });

  it('keeps taking presses while the WAN is down, backs off, and drains once it returns', async () => {
    const { sec, hub, proxy } = await setUp({ proxy: true });
    proxy!.setPlan(() => ({ kind: 'refuse' }));
    proxy!.cutAll();
    const boot = await pressMany(hub, 'eifd-01', 10);
    // Between two attempts (a retry may be under way the moment failures reach 2).
    const down = await waitUntil(async () => hub.hub.health().sync, (s) => s.consecutiveFailures >= 2 && s.state === 'backoff', 'the sender to back off');
    expect(down.backlogEvents).toBeGreaterThanOrEqual(10);
    expect(down.lastError?.code).toMatch(/ECONNRESET|EPIPE|socket|network/i);
    proxy!.setPlan(() => ({ kind: 'pass' }));
    await pressMany(hub, 'eifd-01', 5, 11, boot);
    await caughtUp(hub);
    const outbox = hubOutboxDigest(hub.dataDir);
    expect(sec.held('demo-centre').digest).toBe(outbox.digest);
    expect((await sec.centre('demo-centre')).eventsByType['feedback.pressed']).toBe(15);
  });

  it('sets a record the Secretariat rejects aside without blocking the queue, and shows it', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    // A record no hub would write today (data fails its schema) but that is in the
    // outbox, as after a bug in an older version.
    const db = new BetterSqlite3(hubDatabasePath(dir.path));
    const { sec, hub } = await setUp({ dataDir: dir.path });
    await pressMany(hub, 'eifd-01', 2);
    await caughtUp(hub);
    const at = Date.now();
    const data = JSON.stringify({ deviceId: 'eifd-01', rating: 9 });
    db.prepare('INSERT INTO outbox (type, at, data, hash) VALUES (?, ?, ?, ?)').run('feedback.pressed', at, data, eventHash('feedback.pressed', new Date(at).toISOString(), data));
    db.close();
    await pressMany(hub, 'eifd-02', 2);
    const sync = await caughtUp(hub);
    expect(sync.quarantinedTotal).toBe(1);
    const held = sec.held('demo-centre');
    expect(held.quarantined).toHaveLength(1);
    expect(held.seqs.at(-1)).toBe(sync.ackedThroughSeq);
    const centre = await sec.centre('demo-centre');
    expect(centre.quarantinedTotal).toBe(1);
    expect(centre.eventsByType['feedback.pressed']).toBe(4);
  });

  it('drains a week-long outage’s backlog completely, with today’s events riding ahead in the fresh lane', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const now = Date.now();
    // A busy centre's week: about 6,000 events a day.
    const { lastSeq } = writeBacklog(dir.path, { count: 42_000, spanMs: 7 * 86_400_000, endMs: now - 60_000 });
    const { sec, hub } = await setUp({ dataDir: dir.path, syncExtra: { batchMaxEvents: 2000, freshLaneEvents: 50 } });
    const before = hub.hub.health().sync;
    expect(before.oldestUnsyncedAgeS).toBeGreaterThan(6.9 * 86_400);
    // While the week drains, live presses arrive and reach the NOC ahead of it.
    await pressMany(hub, 'eifd-live', 3);
    const liveSeq = hub.hub.health().store.outboxLastSeq;
    const ahead = await waitUntil(async () => hub.hub.health().sync, (s) => s.highestSeq >= liveSeq, 'the live events to reach the Secretariat', 60_000);
    expect(ahead.ackedThroughSeq).toBeLessThan(liveSeq);
    await waitUntil(async () => hub.hub.health().sync, (s) => s.backlogEvents === 0, 'the backlog to drain', 120_000);
    const outbox = hubOutboxDigest(dir.path);
    expect(outbox.lastSeq).toBeGreaterThan(lastSeq);
    const held = sec.held('demo-centre');
    expect(held.seqs.length).toBe(outbox.lastSeq);
    expect(held.digest).toBe(outbox.digest);
    const centre = await sec.centre('demo-centre');
    // The fresh lane never sent an event twice.
    expect(centre.duplicatesIgnored).toBe(0);
    expect(centre.ackedThroughSeq).toBe(outbox.lastSeq);
  }, 180_000);

  it('prunes only acknowledged rows past retention and still recognises a replay of a pruned press', async () => {
    const { sec, hub, proxy } = await setUp({ proxy: true });
    const boot = await pressMany(hub, 'eifd-01', 4);
    await caughtUp(hub);
    // The WAN goes down; two more presses stay unsynced.
    proxy!.setPlan(() => ({ kind: 'refuse' }));
    proxy!.cutAll();
    await pressMany(hub, 'eifd-01', 2, 5, boot);
    const acked = hub.hub.health().sync.ackedThroughSeq;
    hub.config.store.retentionDays = 0;
    await hub.admin.sync.pruneNow();
    const db = new BetterSqlite3(hubDatabasePath(hub.dataDir), { readonly: true });
    cleanups.push(() => void db.close());
    const remaining = db.prepare('SELECT seq FROM outbox ORDER BY seq').all() as Array<{ seq: number }>;
    expect(remaining.every((r) => r.seq > acked)).toBe(true);
    expect(remaining.length).toBe(hub.hub.health().sync.backlogEvents);
    expect(hub.hub.health().sync.prunedOutboxTotal).toBe(acked);
    // A late replay of press 2 (pruned) is a duplicate: not stored, not synced again.
    const duplicatesBefore = hub.hub.health().ingest.duplicatesTotal;
    await pressMany(hub, 'eifd-01', 1, 2, boot);
    expect(hub.hub.health().ingest.duplicatesTotal).toBe(duplicatesBefore + 1);
    proxy!.setPlan(() => ({ kind: 'pass' }));
    await caughtUp(hub);
    expect((await sec.centre('demo-centre')).eventsByType['feedback.pressed']).toBe(6);
  });

  /**
   * A centre syncs 5 presses, is backed up, syncs 5 more, and dies: returns the
   * Secretariat, the WAN proxy and the data dir of the backup to come back on.
   */
  async function lifeBeforeRestore() {
    const live = tempDir();
    const restored = tempDir();
    cleanups.push(() => live.remove(), () => restored.remove());
    const sec = await startSecretariat();
    cleanups.push(() => sec.stop());
    const secret = await sec.addCentre('demo-centre');
    const wan = await startFaultProxy({ targetPort: sec.port });
    cleanups.push(() => wan.close());
    const configure = syncTo(`http://127.0.0.1:${wan.port}`, secret);
    let hub = await startHub({ dataDir: live.path, configure });
    const boot = await pressMany(hub, 'eifd-01', 5);
    await caughtUp(hub);
    await hub.hub.stop();
    const backup = new BetterSqlite3(hubDatabasePath(live.path));
    await backup.backup(hubDatabasePath(restored.path));
    backup.close();
    hub = await startHub({ dataDir: live.path, configure });
    await pressMany(hub, 'eifd-01', 5, 6, boot);
    await caughtUp(hub);
    const { outboxLastSeq, outboxEpoch } = hub.hub.health().store;
    await hub.hub.stop();
    return { sec, wan, configure, restoredDir: restored.path, highest: outboxLastSeq, oldEpoch: outboxEpoch };
  }

  it('never reuses a seq after the hub database is restored from a backup', async () => {
    const { sec, configure, restoredDir, highest, oldEpoch } = await lifeBeforeRestore();
    // The box dies; the centre comes back on last night's backup.
    const back = await startHub({ dataDir: restoredDir, configure });
    cleanups.push(() => back.stop());
    const rebased = await waitUntil(async () => back.hub.health().store, (s) => s.outboxEpoch !== oldEpoch, 'the restored hub to take a new epoch');
    expect(rebased.outboxLastSeq).toBeGreaterThanOrEqual(highest);
    await pressMany(back, 'eifd-02', 1);
    const sync = await caughtUp(back);
    expect(sync.ackedThroughSeq).toBeGreaterThan(highest);
    const centre = await sec.centre('demo-centre');
    expect(centre.conflictsTotal).toBe(0);
    expect(centre.eventsByType['feedback.pressed']).toBe(11);
    expect(sec.held('demo-centre').seqs).toEqual(Array.from({ length: sync.ackedThroughSeq }, (_, i) => i + 1));
  });

  it('loses nothing when a restored database took presses offline, reusing seqs the Secretariat holds', async () => {
    const { sec, wan, configure, restoredDir } = await lifeBeforeRestore();
    // Back on the backup with the WAN down: new presses take seqs the Secretariat holds.
    wan.setPlan(() => ({ kind: 'refuse' }));
    const back = await startHub({ dataDir: restoredDir, configure });
    cleanups.push(() => back.stop());
    await pressMany(back, 'eifd-02', 8);
    wan.setPlan(() => ({ kind: 'pass' }));
    const sync = await caughtUp(back);
    const centre = await sec.centre('demo-centre');
    expect(centre.eventsByType['feedback.pressed']).toBe(18);
    expect(centre.conflictsTotal).toBeGreaterThan(0);
    expect(sec.held('demo-centre').seqs).toEqual(Array.from({ length: sync.ackedThroughSeq }, (_, i) => i + 1));
  });
});
