import BetterSqlite3 from 'better-sqlite3';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { hubDatabasePath } from '../../hub/store/database.ts';
import { deviceTopic } from '../../protocol/topics.ts';
import { connectDevice, newBootId, uptimeSince } from '../helpers/device-client.ts';
import { runHubCli, spawnHub, type HubProcess } from '../helpers/hub-process.ts';
import { QueueClient } from '../helpers/queue-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const CENTRE = 'demo-centre';
const MINUTE = 60_000;
const WEEK = 7 * 24 * 60 * MINUTE;

/** Publishes every payload at QoS 1 without waiting (pipelined); resolves with how many got a PUBACK. */
function pipeline(client: MqttClient, deviceId: string, payloads: object[]): Promise<number> {
  const topic = deviceTopic(CENTRE, deviceId, 'press');
  return Promise.all(payloads.map((p) => client.publishAsync(topic, JSON.stringify(p), { qos: 1 }).then(() => 1))).then((acks) => acks.length);
}

/**
 * What the reference bridge does after an outage: its journal in order, at most
 * `window` in flight, `sentUpMs` restamped from its own uptime at each send.
 */
async function replayJournal(client: MqttClient, deviceId: string, boot: string, upMs: number[], uptime: () => number, window = 8): Promise<number> {
  const topic = deviceTopic(CENTRE, deviceId, 'press');
  let next = 0;
  let acked = 0;
  const worker = async () => {
    while (next < upMs.length) {
      const i = next++;
      await client.publishAsync(topic, JSON.stringify({ seq: i + 1, boot, rating: ((i % 4) + 1) as 1, upMs: upMs[i]!, sentUpMs: uptime() }), { qos: 1 });
      acked++;
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  return acked;
}

describe('attack: a stolen device credential claims its clock runs fast (issue 12, item 1)', () => {
  let dir: ReturnType<typeof tempDir> | null = null;
  let hub: HubProcess | null = null;
  const clients: MqttClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.endAsync(true);
    await hub?.kill();
    hub = null;
    dir?.remove();
  });

  async function cli(args: string[]): Promise<Record<string, unknown>> {
    const result = await runHubCli([...args, '--data-dir', dir!.path]);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  it('refuses forged press times (acknowledged, counted by reason, shown to technicians) while an honest bridge replays a week at full speed', async () => {
    dir = tempDir();
    hub = await spawnHub(['--data-dir', dir.path, '--mqtt-port', '0', '--http-port', '0']);
    const stolen = (await cli(['device', 'add', 'eifd-stolen', '--counter', 'c01'])) as { deviceId: string; password: string };
    const honest = (await cli(['device', 'add', 'eifd-honest', '--counter', 'c02'])) as { deviceId: string; password: string };
    const technician = (await cli(['token', 'create', '--role', 'technician'])).token as string;
    const api = new QueueClient(hub.httpPort);
    // A citizen being served at c01, so every forged vote would be tied to that ticket.
    const kiosk = (await cli(['token', 'create', '--role', 'kiosk'])).token as string;
    const officer = (await cli(['token', 'create', '--role', 'officer', '--counter', 'c01'])).token as string;
    expect((await api.issue(kiosk, 'id-new')).status).toBe(201);
    expect((await api.counter(officer, 'c01', 'call-next')).status).toBe(200);

    const attacker = await connectDevice(hub.mqttPort, stolen);
    const bridge = await connectDevice(hub.mqttPort, honest);
    clients.push(attacker, bridge);

    // The honest bridge: booted a week and an hour ago, 2016 votes 5 minutes apart while the hub was away.
    const journal = Array.from({ length: 2016 }, (_, i) => 30 * MINUTE + i * 5 * MINUTE);
    const replayStarted = performance.now();
    const replay = replayJournal(bridge, 'eifd-honest', newBootId(), journal, uptimeSince(WEEK + 60 * MINUTE));

    // 1. One boot, uptime 61 s further per press, 300 pipelined on one connection.
    const boot = newBootId();
    const sameBoot = Array.from({ length: 300 }, (_, k) => ({ seq: k + 1, boot, rating: 1, upMs: (k + 1) * 61_000, sentUpMs: (k + 1) * 61_000 }));
    // 2. The same with a new boot per press.
    const newBoots = Array.from({ length: 300 }, (_, k) => ({ seq: 1, boot: newBootId(), rating: 1, upMs: (k + 1) * 61_000, sentUpMs: (k + 1) * 61_000 }));
    // 3. No uptime pair at all: a new boot per press, each claiming (device clock) to be a minute older.
    const now = Date.now();
    const wallClock = Array.from({ length: 300 }, (_, k) => ({ seq: 1, boot: newBootId(), rating: 1, upMs: 0, at: new Date(now - (k + 1) * 61_000).toISOString() }));
    const acked = [await pipeline(attacker, 'eifd-stolen', sameBoot), await pipeline(attacker, 'eifd-stolen', newBoots), await pipeline(attacker, 'eifd-stolen', wallClock)];
    expect(acked).toEqual([300, 300, 300]);
    expect(attacker.connected).toBe(true);

    expect(await replay).toBe(2016);
    const replaySeconds = (performance.now() - replayStarted) / 1000;

    const db = new BetterSqlite3(hubDatabasePath(dir.path), { readonly: true });
    const count = (deviceId: string, misuse: number) => (db.prepare('SELECT COUNT(*) AS n FROM presses WHERE device_id = ? AND misuse = ?').get(deviceId, misuse) as { n: number }).n;
    const forgedStored = count('eifd-stolen', 0) + count('eifd-stolen', 1);
    const honestStored = { counted: count('eifd-honest', 0), misuse: count('eifd-honest', 1) };
    db.close();

    // The whole week is stored, none of it misuse, nothing refused.
    expect(honestStored).toEqual({ counted: 2016, misuse: 0 });
    // 900 forged votes: one per anchored boot that was believed at first, plus the burst the hub
    // allows for presses it cannot date (10), plus what 6 a minute refills while the test runs.
    expect(forgedStored).toBeLessThanOrEqual(1 + 10 + Math.ceil((replaySeconds / 60) * 6) + 1);

    const health = (await (await fetch(`http://127.0.0.1:${hub.httpPort}/health`)).json()) as { ingest: { rejectedByReason: Record<string, number>; pressesTotal: number } };
    const byReason = health.ingest.rejectedByReason as Record<string, number>;
    expect(byReason.clock_ahead).toBe(299);
    expect(byReason.boot_overlap).toBe(300);
    expect(byReason.clock_unverified).toBe(300 - (forgedStored - 1));
    expect(health.ingest.pressesTotal).toBe(2016 + forgedStored);

    const devices = (await api.call<{ devices: Array<{ deviceId: string; refused: Record<string, { count: number; lastDetail: string }> }> }>('GET', '/api/devices', technician)).body.devices;
    const refusedFrom = Object.fromEntries(devices.map((d) => [d.deviceId, Object.fromEntries(Object.entries(d.refused).map(([reason, r]) => [reason, r.count]))]));
    expect(refusedFrom['eifd-honest']).toEqual({});
    expect(refusedFrom['eifd-stolen']).toEqual({ clock_ahead: 299, boot_overlap: 300, clock_unverified: byReason.clock_unverified });
    const quarantine = (await api.call<{ messages: Array<{ deviceId: string; reason: string; detail: string }> }>('GET', '/api/quarantine?limit=500', technician)).body.messages;
    expect(quarantine.filter((m) => m.reason === 'clock_ahead')[0]).toMatchObject({ deviceId: 'eifd-stolen', detail: expect.stringMatching(/ahead of what the hub's clock allows/) });
    // One warning per device and reason, not one log line per forged press.
    const warnings = hub.stderr().split('\n').filter((line) => line.includes('device presses refused'));
    expect(warnings.length).toBeLessThanOrEqual(3);
    console.info(`honest week replay: 2016 votes in ${replaySeconds.toFixed(2)} s (${Math.round(2016 / replaySeconds)}/s); forged votes stored: ${forgedStored} of 900`);
  });
});
