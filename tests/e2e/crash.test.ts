import BetterSqlite3 from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLE_CENTRE_PATH } from '../../hub/config/load.ts';
import { deviceTopic } from '../../protocol/topics.ts';
import { systemClock } from '../../runtime/clock.ts';
import { DeviceStore } from '../../hub/devices/device-store.ts';
import { hubDatabasePath, openHubDatabase } from '../../hub/store/database.ts';
import { START_MS, withDeadline } from '../helpers/deadline.ts';
import { newBootId, uptimeSince } from '../helpers/device-client.ts';
import { freePort, spawnHub, type HubProcess } from '../helpers/hub-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const CENTRE = 'demo-centre';
const DEVICES = 5;
const KILLS = 4;
const ACKS_BETWEEN_KILLS = 150;

/**
 * Jepsen-style history check (anchors §3.2): devices press continuously while the hub
 * is killed with SIGKILL several times; afterwards every press a client got a PUBACK
 * for must be stored exactly once, each with exactly one feedback.pressed event.
 */
describe('crash: SIGKILL mid-load', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('loses no acknowledged press and stores none twice', async () => {
    const db = openHubDatabase(dir.path, { role: 'cli' });
    const store = new DeviceStore(db, systemClock);
    const devices = Array.from({ length: DEVICES }, (_, i) => store.add(`eifd-${i + 1}`, `c0${i + 1}`, new Set(['c01', 'c02', 'c03', 'c04', 'c05'])));
    db.close();

    // The load is far above what a person can press, so the per-device press budget
    // (which would count, not store, the excess) is raised for this test.
    const config = JSON.parse(readFileSync(SAMPLE_CENTRE_PATH, 'utf8'));
    config.feedback = { pressBudgetPerMinute: 6000 };
    const configPath = join(dir.path, 'centre.json');
    writeFileSync(configPath, JSON.stringify(config));

    const [mqttPort, httpPort] = [await freePort(), await freePort()];
    const start = () =>
      spawnHub(['--config', configPath, '--data-dir', dir.path, '--mqtt-port', String(mqttPort), '--http-port', String(httpPort), '--host', '127.0.0.1']);
    let hub: HubProcess = await start();

    const acked = new Set<string>();
    const sent = new Set<string>();
    let ackCount = 0;
    let onAck: (() => void) | null = null;
    let running = true;
    const clients: MqttClient[] = [];
    const loops = devices.map(async (device) => {
      const client = await withDeadline(
        mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { clientId: device.deviceId, username: device.deviceId, password: device.password, reconnectPeriod: 50, connectTimeout: 2000 }),
        15_000,
        `${device.deviceId} to connect`,
      );
      clients.push(client);
      const boot = newBootId();
      const uptime = uptimeSince();
      let seq = 0;
      while (running) {
        if (!client.connected) {
          await withDeadline(new Promise((resolve) => client.once('connect', resolve)), START_MS + 15_000, `${device.deviceId} to reconnect after a hub kill`);
          continue;
        }
        seq++;
        const id = `${device.deviceId}/${boot}/${seq}`;
        sent.add(id);
        const press = { seq, boot, rating: (seq % 4) + 1, upMs: seq * 3000, sentUpMs: uptime() };
        client.publish(deviceTopic(CENTRE, device.deviceId, 'press'), JSON.stringify(press), { qos: 1 }, (error) => {
          if (error) return;
          acked.add(id);
          ackCount++;
          onAck?.();
        });
        // About 200 presses/s in all: well above a centre's load, and steady.
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    });

    // Awaited below; marked handled now, so a loop that fails while the test is still
    // waiting for acks is reported there, not as an unhandled rejection.
    const loopsDone = Promise.all(loops);
    loopsDone.catch(() => undefined);
    const acksFrom = (baseline: number, n: number, what: string) =>
      withDeadline(
        new Promise<void>((resolve) => {
          onAck = () => {
            if (ackCount >= baseline + n) {
              onAck = null;
              resolve();
            }
          };
        }),
        START_MS,
        `${n} PUBACKs ${what} (${baseline} so far)`,
      );

    for (let kill = 0; kill < KILLS; kill++) {
      await acksFrom(ackCount, ACKS_BETWEEN_KILLS, `before kill ${kill + 1}`);
      expect(await hub.kill('SIGKILL')).toBe('SIGKILL');
      hub = await start();
    }
    await acksFrom(ackCount, ACKS_BETWEEN_KILLS, 'after the last restart');
    running = false;
    await withDeadline(loopsDone, 15_000, 'the press loops to stop');
    // Let the clients finish what is in flight, then stop the hub cleanly.
    await withDeadline(Promise.all(clients.map((client) => client.endAsync())), 15_000, 'the MQTT clients to end');
    expect(await hub.kill('SIGTERM')).toBe(0);

    const check = new BetterSqlite3(hubDatabasePath(dir.path), { readonly: true });
    try {
      const stored = check.prepare('SELECT device_id AS d, boot AS b, device_seq AS s, event_seq AS e FROM presses').all() as Array<{ d: string; b: string; s: number; e: number }>;
      const storedIds = new Set(stored.map((r) => `${r.d}/${r.b}/${r.s}`));
      const lost = [...acked].filter((id) => !storedIds.has(id));
      expect(lost).toEqual([]);
      expect(storedIds.size).toBe(stored.length);
      const unexpected = [...storedIds].filter((id) => !sent.has(id));
      expect(unexpected).toEqual([]);

      const events = check.prepare("SELECT seq, data FROM outbox WHERE type = 'feedback.pressed'").all() as Array<{ seq: number; data: string }>;
      expect(events).toHaveLength(stored.length);
      const eventBySeq = new Map(events.map((e) => [e.seq, JSON.parse(e.data) as { deviceId: string; boot: string; deviceSeq: number }]));
      for (const row of stored) expect(eventBySeq.get(row.e)).toMatchObject({ deviceId: row.d, boot: row.b, deviceSeq: row.s });
      const seqs = (check.prepare('SELECT seq FROM outbox ORDER BY seq').all() as Array<{ seq: number }>).map((r) => r.seq);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      const presses = (check.prepare("SELECT value FROM stats WHERE name = 'presses'").get() as { value: number }).value;
      expect(presses).toBe(stored.length);
      expect(acked.size).toBeGreaterThanOrEqual((KILLS + 1) * ACKS_BETWEEN_KILLS);
    } finally {
      check.close();
    }
  }, 120_000);
});
