import { readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_CENTRE_PATH } from '../../hub/config/load.ts';
import { deviceTopic } from '../../protocol/topics.ts';
import { closed, connectDevice, newBootId, publishPress, uptimeSince } from '../helpers/device-client.ts';
import { runHubCli, spawnHub, waitUntil, type HubProcess } from '../helpers/hub-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const CENTRE = 'demo-centre';

interface Health {
  mqtt: { connections: number };
  devices: { total: number };
  ingest: { pressesTotal: number; rejectedByReason: Record<string, number> };
}

describe('attacks on the MQTT port of a running hub (issue 12, items 4, 5 and 7)', () => {
  let dir: ReturnType<typeof tempDir> | null = null;
  let hub: HubProcess | null = null;
  const sockets: Socket[] = [];
  const clients: MqttClient[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    for (const client of clients.splice(0)) client.end(true);
    await hub?.kill();
    hub = null;
    dir?.remove();
  });

  async function start(mqttLimits: Record<string, number> = {}) {
    dir = tempDir();
    const config = JSON.parse(readFileSync(SAMPLE_CENTRE_PATH, 'utf8')) as Record<string, unknown>;
    config.mqtt = { ...(config.mqtt as object), ...mqttLimits };
    const configPath = join(dir.path, 'centre.json');
    writeFileSync(configPath, JSON.stringify(config));
    hub = await spawnHub(['--config', configPath, '--data-dir', dir.path, '--mqtt-port', '0', '--http-port', '0']);
    const added = await runHubCli(['device', 'add', 'eifd-01', '--counter', 'c01', '--data-dir', dir.path]);
    expect(added.code, added.stderr).toBe(0);
    // The running hub applies CLI changes within a second.
    await waitUntil(health, (h) => h.devices.total === 1, 'the hub to know the device');
    return JSON.parse(added.stdout) as { deviceId: string; password: string };
  }
  const health = async () => (await (await fetch(`http://127.0.0.1:${hub!.httpPort}/health`)).json()) as Health;

  it('a flood of refused CONNECTs with 30 KB client ids writes a bounded log, while a device presses', async () => {
    const device = await start();
    const before = hub!.stderr().length;
    const huge = 'x'.repeat(30_000);
    const attempts = 300;
    let refused = 0;
    const attack = async () => {
      for (let i = 0; i < attempts / 10; i++) {
        await mqtt
          .connectAsync(`mqtt://127.0.0.1:${hub!.mqttPort}`, { clientId: `${huge}${i}`, username: `${huge}${i}`, password: 'guess', protocolVersion: 4, reconnectPeriod: 0 })
          .then((client) => client.end(true), () => refused++);
      }
    };
    const legit = await connectDevice(hub!.mqttPort, device);
    clients.push(legit);
    const uptime = uptimeSince(60_000);
    const boot = newBootId();
    const pressing = (async () => {
      for (let seq = 1; seq <= 5; seq++) await publishPress(legit, CENTRE, 'eifd-01', { seq, boot, rating: 3, upMs: seq * 3000, sentUpMs: uptime() });
    })();
    await Promise.all([...Array.from({ length: 10 }, attack), pressing]);
    expect(refused).toBe(attempts);
    const counted = await waitUntil(health, (h) => h.ingest.rejectedByReason.unknown_device === attempts, 'the refusals to be counted');
    expect(counted.ingest.pressesTotal).toBe(5);
    const logBytes = hub!.stderr().length - before;
    // Before the fix: 58 KB of log per attempt (17 MB here). Now: five bounded lines a minute and reason.
    expect(logBytes).toBeLessThan(20_000);
    expect(hub!.stderr()).not.toContain('x'.repeat(1000));
    console.info(`${attempts} refused CONNECTs with 30 KB client ids: ${logBytes} bytes of log`);
  });

  it('closes a connection whose PUBLISH topic has U+0000 or a wildcard, counts it, and stores nothing from it', async () => {
    const device = await start();
    const pressTopic = deviceTopic(CENTRE, 'eifd-01', 'press');
    const payload = JSON.stringify({ seq: 1, boot: newBootId(), rating: 1, upMs: 1000, sentUpMs: 1000 });
    for (const topic of [`${pressTopic}\u0000`, `${deviceTopic(CENTRE, 'eifd-01', 'telemetry')}/+`, `huduma/v1/${CENTRE}/devices/#`]) {
      const client = await connectDevice(hub!.mqttPort, device);
      clients.push(client);
      const dropped = closed(client);
      client.publish(topic, payload, { qos: 1 });
      await dropped;
    }
    const h = await waitUntil(health, (x) => x.ingest.rejectedByReason.bad_topic === 3, 'three bad topics counted');
    expect(h.ingest.pressesTotal).toBe(0);
    // The device itself still works on its real topic.
    const client = await connectDevice(hub!.mqttPort, device);
    clients.push(client);
    await publishPress(client, CENTRE, 'eifd-01', JSON.parse(payload));
    expect((await health()).ingest.pressesTotal).toBe(1);
  });

  it('holds at most maxConnectionsPerAddress sockets from one address and closes the rest unread; devices elsewhere connect', async () => {
    const device = await start({ maxConnectionsPerAddress: 20 });
    // 40 idle sockets from another host (127.0.0.2 is this machine too, a different address).
    let closedByHub = 0;
    for (let i = 0; i < 40; i++) {
      const socket = connect({ host: '127.0.0.1', port: hub!.mqttPort, localAddress: '127.0.0.2' });
      socket.on('error', () => undefined);
      socket.once('close', () => closedByHub++);
      sockets.push(socket);
    }
    const h = await waitUntil(health, (x) => x.ingest.rejectedByReason.connection_limit === 20, 'twenty sockets refused');
    expect(h.mqtt.connections).toBe(20);
    const legit = await connectDevice(hub!.mqttPort, device);
    clients.push(legit);
    await publishPress(legit, CENTRE, 'eifd-01', { seq: 1, boot: newBootId(), rating: 4, upMs: 1000, sentUpMs: 1000 });
    expect((await health()).ingest.pressesTotal).toBe(1);
    // The refused ones were closed by the hub at once; the others wait for the CONNECT timeout.
    await waitUntil(async () => closedByHub, (n) => n >= 20, 'the refused sockets to be closed');
    expect(closedByHub).toBe(20);
  });
});
