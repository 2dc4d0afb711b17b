import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceTopic } from '../../protocol/topics.ts';
import { hubDatabasePath } from '../../hub/store/database.ts';
import { closed, connectDevice, newBootId, publishPress } from '../helpers/device-client.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';

const CENTRE = 'demo-centre';

describe('durable press ingest over a real broker', () => {
  let fx: HubFixture;
  beforeEach(async () => {
    fx = await startHub();
  });
  afterEach(async () => {
    await fx.stop();
  });

  function readDb<T>(query: (db: BetterSqlite3.Database) => T): T {
    const db = new BetterSqlite3(hubDatabasePath(fx.dataDir), { readonly: true });
    try {
      return query(db);
    } finally {
      db.close();
    }
  }

  it('stores each QoS 1 press once, with its feedback.pressed event, before the PUBACK', async () => {
    const creds = fx.addDevice('eifd-01', 'c03');
    const client = await connectDevice(fx.ports.mqtt, creds);
    const boot = newBootId();
    // Twenty votes 10 s apart, sent now (as a bridge sends its journal after a short outage).
    for (let seq = 1; seq <= 20; seq++) {
      await publishPress(client, CENTRE, 'eifd-01', { seq, boot, rating: ((seq % 4) + 1) as 1 | 2 | 3 | 4, upMs: seq * 10_000, sentUpMs: 200_005 });
      // PUBACK received: the row must already be committed (invariant 1).
      const stored = readDb((db) => db.prepare('SELECT COUNT(*) AS n FROM presses WHERE device_id = ? AND boot = ? AND device_seq = ?').get('eifd-01', boot, seq)) as { n: number };
      expect(stored.n).toBe(1);
    }
    await client.endAsync();

    const rows = readDb((db) => db.prepare('SELECT p.device_seq AS seq, p.rating, p.counter_id AS counterId, o.type, o.data FROM presses p JOIN outbox o ON o.seq = p.event_seq ORDER BY p.device_seq').all()) as Array<{ seq: number; rating: number; counterId: string; type: string; data: string }>;
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const row of rows) {
      expect(row.type).toBe('feedback.pressed');
      expect(row.counterId).toBe('c03');
      const data = JSON.parse(row.data);
      expect(data).toMatchObject({ deviceId: 'eifd-01', counterId: 'c03', deviceSeq: row.seq, rating: row.rating, boot, misuse: false, clockQuality: 'uptime' });
    }
    // The outbox seq starts at 1 and is gap-free.
    const seqs = readDb((db) => db.prepare("SELECT seq FROM outbox WHERE type = 'feedback.pressed' ORDER BY seq").all()) as Array<{ seq: number }>;
    const allSeqs = readDb((db) => db.prepare('SELECT seq FROM outbox ORDER BY seq').all()) as Array<{ seq: number }>;
    expect(allSeqs.map((r) => r.seq)).toEqual(Array.from({ length: allSeqs.length }, (_, i) => i + 1));
    expect(seqs).toHaveLength(20);
    expect(fx.hub.health().ingest.pressesTotal).toBe(20);
  });

  it('acknowledges a duplicate (same boot and seq) without storing it twice', async () => {
    const creds = fx.addDevice('eifd-02');
    const client = await connectDevice(fx.ports.mqtt, creds);
    const boot = newBootId();
    const press = { seq: 7, boot, rating: 3 as const, upMs: 5000, sentUpMs: 5000 };
    await publishPress(client, CENTRE, 'eifd-02', press);
    await publishPress(client, CENTRE, 'eifd-02', { ...press, sentUpMs: 9000 });
    await publishPress(client, CENTRE, 'eifd-02', press);
    // Same seq under a new boot is a different press.
    await publishPress(client, CENTRE, 'eifd-02', { ...press, boot: newBootId() });
    await client.endAsync();
    const health = fx.hub.health();
    expect(health.ingest.pressesTotal).toBe(2);
    expect(health.ingest.duplicatesTotal).toBe(2);
    expect(readDb((db) => db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE type = 'feedback.pressed'").get())).toEqual({ n: 2 });
  });

  it('refuses an unknown device and a wrong password, counts them, and keeps serving others', async () => {
    const good = fx.addDevice('eifd-03');
    const rejected = fx.hub.bus.next('ingest.rejected');
    await expect(connectDevice(fx.ports.mqtt, { deviceId: 'eifd-99', password: 'x'.repeat(43) })).rejects.toThrow(/bad username or password/i);
    await rejected;
    const rejected2 = fx.hub.bus.next('ingest.rejected');
    // One character off (and never the same: the secret is random).
    const wrong = `${good.password.slice(0, -1)}${good.password.endsWith('A') ? 'B' : 'A'}`;
    await expect(connectDevice(fx.ports.mqtt, { deviceId: 'eifd-03', password: wrong })).rejects.toThrow(/bad username or password/i);
    await rejected2;
    const rejected3 = fx.hub.bus.next('ingest.rejected');
    await expect(connectDevice(fx.ports.mqtt, { deviceId: 'eifd-03', password: good.password }, { clientId: 'someone-else' })).rejects.toThrow(/identifier rejected/i);
    await rejected3;

    const client = await connectDevice(fx.ports.mqtt, good);
    await publishPress(client, CENTRE, 'eifd-03', { seq: 1, boot: newBootId(), rating: 4, upMs: 1 });
    await client.endAsync();
    const { ingest } = fx.hub.health();
    expect(ingest.rejectedByReason).toMatchObject({ unknown_device: 1, bad_password: 1, client_id_mismatch: 1 });
    expect(ingest.rejectedTotal).toBe(3);
    expect(ingest.connectionsRefusedTotal).toBe(3);
    expect(ingest.pressesTotal).toBe(1);
    // The log says who was refused, never with what secret.
    expect(fx.logs.text()).toMatch(/"reason":"bad_password"/);
    expect(fx.logs.text()).not.toContain(good.password);
    expect(fx.logs.text()).not.toContain(good.password.slice(0, -1));
  });

  it("drops a device that publishes under another device's topic, and stores nothing from it", async () => {
    const mallory = fx.addDevice('eifd-04');
    const victim = fx.addDevice('eifd-05');
    const client = await connectDevice(fx.ports.mqtt, mallory);
    const rejected = fx.hub.bus.next('ingest.rejected');
    const dropped = closed(client);
    client.publish(deviceTopic(CENTRE, 'eifd-05', 'press'), JSON.stringify({ seq: 1, boot: newBootId(), rating: 1, upMs: 1 }), { qos: 1 });
    await dropped;
    expect((await rejected)[0]).toEqual({ reason: 'acl_denied', deviceId: 'eifd-04' });
    client.end(true);

    // A device may not write its own config either (hub → device only).
    const again = await connectDevice(fx.ports.mqtt, mallory);
    const dropped2 = closed(again);
    again.publish(deviceTopic(CENTRE, 'eifd-04', 'config'), '{"counterId":"c09"}', { qos: 1, retain: true });
    await dropped2;
    again.end(true);

    const other = await connectDevice(fx.ports.mqtt, victim);
    await publishPress(other, CENTRE, 'eifd-05', { seq: 1, boot: newBootId(), rating: 2, upMs: 1 });
    await other.endAsync();
    const { ingest } = fx.hub.health();
    expect(ingest.rejectedByReason.acl_denied).toBe(2);
    expect(ingest.pressesTotal).toBe(1);
    expect(readDb((db) => db.prepare("SELECT COUNT(*) AS n FROM presses WHERE device_id = 'eifd-05'").get())).toEqual({ n: 1 });
  });

  it('refuses subscriptions outside the device\'s own topics in the SUBACK, without disconnecting', async () => {
    const client = await connectDevice(fx.ports.mqtt, fx.addDevice('eifd-06'));
    const denials = new Promise<void>((resolve) => {
      let seen = 0;
      fx.hub.bus.on('ingest.rejected', ({ reason }) => {
        if (reason === 'acl_denied' && ++seen === 2) resolve();
      });
    });
    // mqtt.js rejects a SUBACK holding any failure code; the packet rides on the error.
    const error = (await client
      .subscribeAsync({
        [deviceTopic(CENTRE, 'eifd-06', 'config')]: { qos: 1 },
        [`huduma/v1/${CENTRE}/devices/+/press`]: { qos: 1 },
        '#': { qos: 0 },
      })
      .catch((e: unknown) => e)) as { packet?: { granted: number[] } };
    expect(error.packet?.granted).toEqual([1, 128, 128]);
    await expect(client.subscribeAsync(`huduma/v1/${CENTRE}/hub/status`, { qos: 1 })).resolves.toEqual([expect.objectContaining({ qos: 1 })]);
    expect(client.connected).toBe(true);
    await client.endAsync();
    await denials;
    expect(fx.hub.health().ingest.rejectedByReason.acl_denied).toBe(2);
  });

  it('acknowledges and quarantines malformed and oversized presses, and keeps serving the device', async () => {
    const creds = fx.addDevice('eifd-07');
    const client = await connectDevice(fx.ports.mqtt, creds);
    const topic = deviceTopic(CENTRE, 'eifd-07', 'press');
    await client.publishAsync(topic, '{not json', { qos: 1 });
    await client.publishAsync(topic, JSON.stringify({ seq: 0, boot: 'b', rating: 5, upMs: -1 }), { qos: 1 });
    await client.publishAsync(topic, JSON.stringify({ seq: 1, boot: newBootId(), rating: 4, upMs: 1, pad: 'x'.repeat(5000) }), { qos: 1 });
    await publishPress(client, CENTRE, 'eifd-07', { seq: 2, boot: newBootId(), rating: 4, upMs: 1 });
    expect(client.connected).toBe(true);
    await client.endAsync();

    const { ingest } = fx.hub.health();
    expect(ingest.rejectedByReason).toMatchObject({ malformed: 2, oversized: 1 });
    expect(ingest.pressesTotal).toBe(1);
    const quarantined = readDb((db) => db.prepare('SELECT reason, detail, payload_bytes AS bytes FROM quarantine ORDER BY id').all()) as Array<{ reason: string; detail: string; bytes: number }>;
    expect(quarantined.map((q) => q.reason)).toEqual(['malformed', 'malformed', 'oversized']);
    expect(quarantined[0]!.detail).toMatch(/not JSON/);
    expect(quarantined[1]!.detail).toMatch(/rating/);
    expect(quarantined[2]!.bytes).toBeGreaterThan(5000);
  });

  it('closes a connection that sends a packet over the socket limit', async () => {
    const creds = fx.addDevice('eifd-08');
    const client = await connectDevice(fx.ports.mqtt, creds);
    const rejected = fx.hub.bus.next('ingest.rejected');
    const dropped = closed(client);
    client.publish(deviceTopic(CENTRE, 'eifd-08', 'press'), Buffer.alloc(fx.config.mqtt.maxPacketBytes + 1, 0x41), { qos: 1 });
    await dropped;
    expect((await rejected)[0].reason).toBe('packet_too_large');
    client.end(true);
    const other = await connectDevice(fx.ports.mqtt, fx.addDevice('eifd-09'));
    await publishPress(other, CENTRE, 'eifd-09', { seq: 1, boot: newBootId(), rating: 1, upMs: 1 });
    await other.endAsync();
    expect(fx.hub.health().ingest.pressesTotal).toBe(1);
  });

  it('survives payloads built to break it: an absurd uptime gap, deep nesting, a clock in 2030', async () => {
    const creds = fx.addDevice('eifd-10');
    const client = await connectDevice(fx.ports.mqtt, creds);
    const boot = newBootId();
    // Schema-valid, but 285,000 years of uptime between press and send.
    await publishPress(client, CENTRE, 'eifd-10', { seq: 1, boot, rating: 4, upMs: 0, sentUpMs: Number.MAX_SAFE_INTEGER });
    await publishPress(client, CENTRE, 'eifd-10', { seq: 2, boot, rating: 4, upMs: 6, at: '2030-01-01T00:00:00Z' });
    const deep = `{"upMs":1,"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    await client.publishAsync(deviceTopic(CENTRE, 'eifd-10', 'telemetry'), deep, { qos: 1 });
    await publishPress(client, CENTRE, 'eifd-10', { seq: 3, boot, rating: 2, upMs: 12 });
    expect(client.connected).toBe(true);
    await client.endAsync();
    const rows = readDb((db) => db.prepare('SELECT device_seq AS seq, clock_quality AS quality, pressed_at AS pressedAt, received_at AS receivedAt FROM presses ORDER BY device_seq').all()) as Array<{ seq: number; quality: string; pressedAt: number; receivedAt: number }>;
    expect(rows.map((r) => [r.seq, r.quality])).toEqual([[1, 'receive-time'], [2, 'receive-time'], [3, 'receive-time']]);
    for (const row of rows) expect(row.pressedAt).toBe(row.receivedAt);
    const quarantined = readDb((db) => db.prepare('SELECT reason, detail FROM quarantine').all());
    expect(quarantined).toEqual([{ reason: 'malformed', detail: 'nested deeper than 16 levels' }]);
  });
});
