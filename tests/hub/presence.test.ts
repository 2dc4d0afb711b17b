import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceTopic } from '../../protocol/topics.ts';
import { ManualClock } from '../../runtime/clock.ts';
import { hubDatabasePath } from '../../hub/store/database.ts';
import { closed, connectDevice } from '../helpers/device-client.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';

const CENTRE = 'demo-centre';
const statusTopic = (id: string) => deviceTopic(CENTRE, id, 'status');
const offlineWill = (id: string) => ({ topic: statusTopic(id), payload: Buffer.from('{"state":"offline"}'), qos: 1 as const, retain: true });

describe('device presence', () => {
  let fx: HubFixture;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(Date.parse('2026-11-23T08:00:00Z'));
    fx = await startHub({ clock });
  });
  afterEach(async () => {
    await fx.stop();
  });

  function presenceEvents(): Array<{ type: string; data: { deviceId: string; reason?: string } }> {
    const db = new BetterSqlite3(hubDatabasePath(fx.dataDir), { readonly: true });
    try {
      return (db.prepare("SELECT type, data FROM outbox WHERE type LIKE 'device.%' ORDER BY seq").all() as Array<{ type: string; data: string }>).map((r) => ({ type: r.type, data: JSON.parse(r.data) }));
    } finally {
      db.close();
    }
  }

  it('goes online on the status message and offline through the last will', async () => {
    const creds = fx.addDevice('eifd-11');
    const client = await connectDevice(fx.ports.mqtt, creds, { will: offlineWill('eifd-11') });
    expect(fx.hub.health().devices).toMatchObject({ total: 1, connected: 1, online: 0 });
    const online = fx.hub.bus.next('device.presence');
    const onlineStored = fx.hub.bus.next('device.presenceStored');
    await client.publishAsync(statusTopic('eifd-11'), JSON.stringify({ state: 'online', fw: 'eifd-bridge/0.1.0', boot: 'b00710000000' }), { qos: 1, retain: true });
    expect((await online)[0]).toMatchObject({ deviceId: 'eifd-11', online: true });
    expect(fx.hub.health().devices.online).toBe(1);
    await onlineStored;

    // An unclean drop: the broker publishes the will.
    const offline = fx.hub.bus.next('device.presence');
    (client as unknown as { stream: { destroy(): void } }).stream.destroy();
    expect((await offline)[0]).toMatchObject({ deviceId: 'eifd-11', online: false });
    client.end(true);
    expect(fx.hub.health().devices).toMatchObject({ online: 0, connected: 0 });
    // Within the pacing interval of the last write, the change waits for the device to settle.
    const offlineStored = fx.hub.bus.next('device.presenceStored');
    clock.advance(5_000);
    await offlineStored;
    expect(presenceEvents()).toEqual([
      { type: 'device.online', data: { deviceId: 'eifd-11', counterId: 'c01', fw: 'eifd-bridge/0.1.0', boot: 'b00710000000' } },
      { type: 'device.offline', data: { deviceId: 'eifd-11', counterId: 'c01', reason: 'will' } },
    ]);
  });

  it('is not marked offline when a new connection of the same device takes the session over', async () => {
    const creds = fx.addDevice('eifd-12');
    const first = await connectDevice(fx.ports.mqtt, creds, { will: offlineWill('eifd-12') });
    const online = fx.hub.bus.next('device.presenceStored');
    await first.publishAsync(statusTopic('eifd-12'), '{"state":"online"}', { qos: 1, retain: true });
    await online;

    const firstDropped = closed(first);
    const second = await connectDevice(fx.ports.mqtt, creds, { will: offlineWill('eifd-12') });
    await firstDropped;
    first.end(true);
    // The new connection says online again: no change, so no event.
    await second.publishAsync(statusTopic('eifd-12'), '{"state":"online"}', { qos: 1, retain: true });
    expect(fx.hub.health().devices).toMatchObject({ online: 1, connected: 1 });

    // The old connection's will was not taken as news: nothing is waiting to be written.
    clock.advance(60_000);
    expect(presenceEvents().map((e) => e.type)).toEqual(['device.online']);

    const offline = fx.hub.bus.next('device.presenceStored');
    await second.endAsync();
    expect((await offline)[0]).toMatchObject({ deviceId: 'eifd-12', online: false });
    expect(presenceEvents().map((e) => `${e.type}:${e.data.reason ?? ''}`)).toEqual(['device.online:', 'device.offline:disconnect']);
  });

  it('writes a flapping device\'s presence at most once per interval, and only the state it settles on', async () => {
    const creds = fx.addDevice('eifd-14');
    const client = await connectDevice(fx.ports.mqtt, creds);
    const first = fx.hub.bus.next('device.presenceStored');
    await client.publishAsync(statusTopic('eifd-14'), '{"state":"online"}', { qos: 1 });
    await first;
    for (let i = 0; i < 200; i++) {
      await client.publishAsync(statusTopic('eifd-14'), `{"state":"${i % 2 === 0 ? 'offline' : 'online'}"}`, { qos: 1 });
    }
    // 200 changes, live; it ends online, as it started: nothing more to write.
    clock.advance(5_000);
    await client.publishAsync(statusTopic('eifd-14'), '{"state":"offline"}', { qos: 1 });
    const settled = fx.hub.bus.next('device.presenceStored');
    clock.advance(5_000);
    expect((await settled)[0]).toMatchObject({ online: false });
    await client.endAsync();
    expect(presenceEvents().filter((e) => e.data.deviceId === 'eifd-14').map((e) => e.type)).toEqual(['device.online', 'device.offline']);
  });

  it('marks devices that were online when the hub died offline at the next start', async () => {
    const creds = fx.addDevice('eifd-13');
    const client = await connectDevice(fx.ports.mqtt, creds);
    const online = fx.hub.bus.next('device.presenceStored');
    await client.publishAsync(statusTopic('eifd-13'), '{"state":"online"}', { qos: 1, retain: true });
    await online;
    // Simulate a crash: the stored presence says online, the hub restarts.
    const dataDir = fx.dataDir;
    client.end(true);
    await fx.hub.stop();
    const db = new BetterSqlite3(hubDatabasePath(dataDir));
    db.prepare("UPDATE device_state SET presence = 'online'").run();
    db.close();
    const restarted = await startHub({ dataDir });
    try {
      const offline = (latestOutboxData(restarted.dataDir, 'device.offline')) as { reason: string };
      expect(offline.reason).toBe('hub_restart');
      expect(restarted.hub.health().devices.online).toBe(0);
    } finally {
      await restarted.hub.stop();
    }
  });
});

/** The hub's start() has committed its reconciliation before it returns. */
function latestOutboxData(dataDir: string, type: string): unknown {
  const db = new BetterSqlite3(hubDatabasePath(dataDir), { readonly: true });
  try {
    const rows = db.prepare('SELECT data FROM outbox WHERE type = ? ORDER BY seq DESC LIMIT 1').all(type) as Array<{ data: string }>;
    return rows[0] ? JSON.parse(rows[0].data) : null;
  } finally {
    db.close();
  }
}
