import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceTopic } from '../../protocol/topics.ts';
import { connectDevice, newBootId, publishPress } from '../helpers/device-client.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';

const CENTRE = 'demo-centre';

describe('hub HTTP API', () => {
  let fx: HubFixture;
  let base: string;
  let technician: string;
  let kiosk: string;

  beforeAll(async () => {
    fx = await startHub();
    base = `http://127.0.0.1:${fx.ports.http}`;
    const counters = new Set(fx.config.counters.map((c) => c.id));
    technician = fx.admin.tokens.create('technician', null, counters).token;
    kiosk = fx.admin.tokens.create('kiosk', null, counters).token;
    const client = await connectDevice(fx.ports.mqtt, fx.addDevice('eifd-41', 'c06'));
    const boot = newBootId();
    for (let seq = 1; seq <= 3; seq++) {
      await publishPress(client, CENTRE, 'eifd-41', { seq, boot, rating: seq as 1 | 2 | 3, upMs: 100_000 + seq * 10_000, sentUpMs: 140_000 });
    }
    // Arrives last, but was pressed first (replayed from the bridge's queue).
    await publishPress(client, CENTRE, 'eifd-41', { seq: 4, boot, rating: 4, upMs: 10_000, sentUpMs: 140_000 });
    await client.publishAsync(deviceTopic(CENTRE, 'eifd-41', 'telemetry'), JSON.stringify({ upMs: 41_000, queued: 0, dropped: 0, fw: '0.1.0', rssi: -40 }), { qos: 1 });
    await client.publishAsync(deviceTopic(CENTRE, 'eifd-41', 'press'), 'garbage', { qos: 1 });
    await client.endAsync();
  });
  afterAll(async () => {
    await fx.stop();
  });

  const get = (path: string, token?: string) => fetch(`${base}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  // Response bodies are checked field by field below; their static type does not matter here.
  const body = async (response: Response): Promise<any> => response.json();

  it('serves /health without a token, with every field of the process contract', async () => {
    const response = await get('/health');
    expect(response.status).toBe(200);
    const health = await body(response);
    expect(health).toMatchObject({
      pid: process.pid,
      centreId: CENTRE,
      mqtt: { port: fx.ports.mqtt },
      http: { port: fx.ports.http },
      status: 'ok',
      problems: [],
      devices: { total: 1, online: 0 },
      ingest: { pressesTotal: 4, duplicatesTotal: 0, rejectedTotal: 1, connectionsRefusedTotal: 0 },
      // Four presses and the poor_rating alert the first (rated 1) raised.
      sync: { state: 'not_configured', backlogEvents: 5, lastSyncAt: null },
    });
    expect(typeof health.sync.oldestUnsyncedAgeS).toBe('number');
  });

  it('serves the same figures on /metrics for Prometheus', async () => {
    const text = await (await get('/metrics')).text();
    expect(text).toMatch(/^huduma_ingest_presses_total 4$/m);
    expect(text).toMatch(/^huduma_ingest_rejected_total\{reason="malformed"\} 1$/m);
    expect(text).toMatch(/^huduma_devices_provisioned 1$/m);
    expect(text).toMatch(/^huduma_sync_backlog_events 5$/m);
    expect(text).toMatch(/^huduma_hub_info\{version="[^"]+",centre="demo-centre"\} 1$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('lists recent presses, newest press first, only for technicians and managers', async () => {
    expect((await get('/api/feedback/recent')).status).toBe(401);
    expect((await get('/api/feedback/recent', 'not-a-token-but-long-enough')).status).toBe(401);
    const forbidden = await get('/api/feedback/recent', kiosk);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ error: { code: 'forbidden', message: expect.stringMatching(/technician or manager/) } });

    const response = await get('/api/feedback/recent?limit=4', technician);
    expect(response.status).toBe(200);
    const { presses } = await body(response);
    // By press time, not by arrival: the replayed press #4 comes last.
    expect(presses.map((p: { deviceSeq: number }) => p.deviceSeq)).toEqual([3, 2, 1, 4]);
    expect(presses[0]).toMatchObject({ deviceId: 'eifd-41', counterId: 'c06', rating: 3, misuse: false, clockQuality: 'uptime' });
    expect(Date.parse(presses[0].pressedAt)).toBeGreaterThan(Date.parse(presses[1].pressedAt));
    expect((await body(await get('/api/feedback/recent?limit=2', technician))).presses).toHaveLength(2);
    expect((await get('/api/feedback/recent?limit=0', technician)).status).toBe(400);
  });

  it('shows technicians the devices with telemetry, and the quarantine', async () => {
    const { devices } = await body(await get('/api/devices', technician));
    expect(devices).toEqual([expect.objectContaining({ deviceId: 'eifd-41', counterId: 'c06', online: false, telemetry: { upMs: 41_000, queued: 0, dropped: 0, fw: '0.1.0', rssi: -40 } })]);
    const { messages } = await body(await get('/api/quarantine', technician));
    expect(messages).toEqual([expect.objectContaining({ deviceId: 'eifd-41', reason: 'malformed', payloadBase64: Buffer.from('garbage').toString('base64') })]);
  });

  it('answers unknown routes with a JSON error', async () => {
    const response = await get('/nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /nope' } });
  });
});
