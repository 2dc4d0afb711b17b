import BetterSqlite3 from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../runtime/clock.ts';
import { SAMPLE_CENTRE_PATH } from '../../hub/config/load.ts';
import { DeviceStore } from '../../hub/devices/device-store.ts';
import { hubDatabasePath, openHubDatabase } from '../../hub/store/database.ts';
import { deviceTopic } from '../../protocol/topics.ts';
import { START_MS, withDeadline } from '../helpers/deadline.ts';
import { newBootId, uptimeSince } from '../helpers/device-client.ts';
import { seededFaultPlan, startFaultProxy, type Fault } from '../helpers/fault-proxy.ts';
import { freePort, spawnHub, waitUntil, type HubProcess } from '../helpers/hub-process.ts';
import { hubOutboxDigest } from '../helpers/outbox-backlog.ts';
import { startSecretariat } from '../helpers/secretariat-fixture.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const CENTRE = 'demo-centre';
const DEVICES = 4;
const KILLS = 3;
const ACKS_BETWEEN_KILLS = 120;
const SEED = 20261123;

/**
 * Chaos (issue 4): between the hub and the Secretariat a fault-injecting proxy cuts
 * connections before the request, in the middle of it and after the Secretariat
 * committed but before the answer, delays, slices and stalls them, while devices
 * keep pressing and the hub is SIGKILLed and restarted. Afterwards the Secretariat
 * must hold exactly the hub's outbox: same count, same per-event hashes, seqs
 * 1..N in order.
 */
describe('sync chaos: faulty WAN and SIGKILLed hub', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('ends with the Secretariat holding every event exactly once, in order', async () => {
    const sec = await startSecretariat();
    const secret = await sec.addCentre(CENTRE);
    // The first connections get one of each fault for sure; then a seeded mix.
    const scripted: Fault[] = [{ kind: 'refuse' }, { kind: 'cut-request', afterBytes: 300 }, { kind: 'cut-response' }, { kind: 'stall' }, { kind: 'delay', ms: 100 }, { kind: 'cut-response' }];
    const mix = seededFaultPlan(SEED, { pass: 3, refuse: 1, 'cut-request': 1, 'cut-response': 2, delay: 1, stall: 1, slice: 1 }, { delayMs: 80, cutAfterMax: 2000 });
    const proxy = await startFaultProxy({ targetPort: sec.port, plan: (i) => scripted[i] ?? mix(i) });

    const db = openHubDatabase(dir.path, { role: 'cli' });
    const store = new DeviceStore(db, systemClock);
    const devices = Array.from({ length: DEVICES }, (_, i) => store.add(`eifd-${i + 1}`, `c0${i + 1}`, new Set(['c01', 'c02', 'c03', 'c04'])));
    db.close();
    const config = JSON.parse(readFileSync(SAMPLE_CENTRE_PATH, 'utf8'));
    config.feedback = { pressBudgetPerMinute: 6000 };
    config.secretariat = {
      url: `http://127.0.0.1:${proxy.port}`,
      secret,
      batchMaxEvents: 50,
      requestTimeoutMs: 800,
      heartbeatIntervalMs: 300,
      pollMs: 50,
      lingerMs: 20,
      backoff: { initialMs: 30, maxMs: 300, holdDownMs: 30 },
    };
    const configPath = join(dir.path, 'centre.json');
    writeFileSync(configPath, JSON.stringify(config));
    const [mqttPort, httpPort] = [await freePort(), await freePort()];
    const start = () => spawnHub(['--config', configPath, '--data-dir', dir.path, '--mqtt-port', String(mqttPort), '--http-port', String(httpPort), '--host', '127.0.0.1']);
    let hub: HubProcess = await start();

    let acks = 0;
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
        const press = { seq, boot, rating: (seq % 4) + 1, upMs: seq * 3000, sentUpMs: uptime() };
        client.publish(deviceTopic(CENTRE, device.deviceId, 'press'), JSON.stringify(press), { qos: 1 }, (error) => {
          if (error) return;
          acks++;
          onAck?.();
        });
        await new Promise((resolve) => setTimeout(resolve, 30));
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
            if (acks >= baseline + n) {
              onAck = null;
              resolve();
            }
          };
        }),
        START_MS,
        `${n} PUBACKs ${what} (${baseline} so far)`,
      );

    for (let kill = 0; kill < KILLS; kill++) {
      await acksFrom(acks, ACKS_BETWEEN_KILLS, `before kill ${kill + 1}`);
      expect(await hub.kill('SIGKILL')).toBe('SIGKILL');
      hub = await start();
    }
    await acksFrom(acks, ACKS_BETWEEN_KILLS, 'after the last restart');
    running = false;
    await withDeadline(loopsDone, 15_000, 'the press loops to stop');
    await withDeadline(Promise.all(clients.map((client) => client.endAsync())), 15_000, 'the MQTT clients to end');

    // The WAN heals; everything must arrive.
    proxy.setPlan(() => ({ kind: 'pass' }));
    const health = async () => (await (await fetch(`http://127.0.0.1:${hub.httpPort}/health`)).json()) as { sync: { backlogEvents: number; ackedThroughSeq: number }; store: { outboxLastSeq: number } };
    await waitUntil(health, (h) => h.sync.backlogEvents === 0, 'the hub to be caught up', 60_000);
    expect(await hub.kill('SIGTERM')).toBe(0);

    const outbox = hubOutboxDigest(dir.path);
    const held = sec.held(CENTRE);
    expect(held.seqs).toEqual(Array.from({ length: outbox.lastSeq }, (_, i) => i + 1));
    expect(held.seqs.length).toBe(outbox.count);
    expect(held.digest).toBe(outbox.digest);
    const check = new BetterSqlite3(hubDatabasePath(dir.path), { readonly: true });
    const presses = (check.prepare('SELECT COUNT(*) AS n FROM presses').get() as { n: number }).n;
    check.close();
    const centre = await sec.centre(CENTRE);
    expect(centre.eventsByType['feedback.pressed']).toBe(presses);
    expect(centre.ackedThroughSeq).toBe(outbox.lastSeq);
    expect(centre.conflictsTotal).toBe(0);
    // The faults really happened, and the answers lost after a commit were resent and
    // recognised as duplicates rather than stored twice.
    for (const kind of ['refuse', 'cut-request', 'cut-response', 'stall', 'delay'] as const) expect(proxy.stats.byKind[kind]).toBeGreaterThan(0);
    expect(centre.duplicatesIgnored).toBeGreaterThan(0);
    expect(acks).toBeGreaterThanOrEqual((KILLS + 1) * ACKS_BETWEEN_KILLS);
    await proxy.close();
    await sec.stop();
  }, 180_000);
});
