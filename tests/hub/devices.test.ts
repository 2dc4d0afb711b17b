import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { DeviceConfigMessage } from '../../protocol/messages/config.ts';
import { deviceTopic } from '../../protocol/topics.ts';
import { systemClock } from '../../runtime/clock.ts';
import { DeviceStore } from '../../hub/devices/device-store.ts';
import { openHubDatabase } from '../../hub/store/database.ts';
import { closed, connectDevice } from '../helpers/device-client.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';

const CENTRE = 'demo-centre';

/** Resolves with the next message on `topic` (the retained one first, if any). */
function nextMessage(client: MqttClient, topic: string): Promise<string> {
  return new Promise((resolve) => {
    const onMessage = (t: string, payload: Buffer) => {
      if (t !== topic) return;
      client.removeListener('message', onMessage);
      resolve(payload.toString());
    };
    client.on('message', onMessage);
  });
}

describe('provisioning changes reach the running hub', () => {
  let fx: HubFixture;
  beforeEach(async () => {
    fx = await startHub();
  });
  afterEach(async () => {
    await fx.stop();
  });

  /** A second connection to the hub's database, as the CLI (another process) uses. */
  function cliStore(): { store: DeviceStore; close(): void } {
    const db = openHubDatabase(fx.dataDir, { role: 'cli' });
    return { store: new DeviceStore(db, systemClock), close: () => db.close() };
  }

  it('keeps the pairing clients\' names out of device ids (`pair`, `pair-…`)', () => {
    const cli = cliStore();
    try {
      for (const id of ['pair', 'pair-0123456789abcdef01234567']) {
        expect(() => cli.store.add(id, 'c01', new Set(['c01'])), id).toThrow(/reserved for pairing clients/);
      }
      expect(cli.store.add('pairs-c01', 'c01', new Set(['c01'])).deviceId).toBe('pairs-c01');
    } finally {
      cli.close();
    }
  });

  it('gives a device its retained config with the counter and lock-out, and a new one after a move', async () => {
    const creds = fx.addDevice('eifd-21', 'c05');
    const client = await connectDevice(fx.ports.mqtt, creds);
    const configTopic = deviceTopic(CENTRE, 'eifd-21', 'config');
    const first = nextMessage(client, configTopic);
    await client.subscribeAsync(configTopic, { qos: 1 });
    expect(DeviceConfigMessage.parse(JSON.parse(await first))).toMatchObject({ centreId: CENTRE, deviceId: 'eifd-21', counterId: 'c05', counterLabel: '5', lockoutMs: 2500 });

    const moved = nextMessage(client, configTopic);
    const cli = cliStore();
    cli.store.move('eifd-21', 'c08', new Set(fx.config.counters.map((c) => c.id)));
    cli.close();
    // No explicit refresh: the hub notices the other connection's commit by itself.
    expect(JSON.parse(await moved)).toMatchObject({ counterId: 'c08', counterLabel: '8' });
    await client.endAsync();
  });

  it('disconnects a revoked device by itself and refuses it afterwards', async () => {
    const creds = fx.addDevice('eifd-22');
    const client = await connectDevice(fx.ports.mqtt, creds);
    const dropped = closed(client);
    const cli = cliStore();
    cli.store.revoke('eifd-22');
    cli.close();
    await dropped;
    client.end(true);
    await expect(connectDevice(fx.ports.mqtt, creds)).rejects.toThrow(/bad username or password/i);
    expect(fx.hub.health().devices.total).toBe(0);
  });

  it('republishes every retained config when the hub restarts (aedes keeps retained messages in memory only)', async () => {
    const creds = fx.addDevice('eifd-23', 'c02');
    const dataDir = fx.dataDir;
    await fx.hub.stop();
    const restarted = await startHub({ dataDir });
    try {
      const client = await connectDevice(restarted.ports.mqtt, creds);
      const topic = deviceTopic(CENTRE, 'eifd-23', 'config');
      const message = nextMessage(client, topic);
      await client.subscribeAsync(topic, { qos: 1 });
      expect(JSON.parse(await message)).toMatchObject({ counterId: 'c02' });
      const status = nextMessage(client, `huduma/v1/${CENTRE}/hub/status`);
      await client.subscribeAsync(`huduma/v1/${CENTRE}/hub/status`, { qos: 1 });
      expect(JSON.parse(await status)).toMatchObject({ state: 'online', centreId: CENTRE });
      await client.endAsync();
    } finally {
      await restarted.hub.stop();
    }
  });

  it('drops the connection of a re-keyed device; the new secret works, the old one does not', async () => {
    const creds = fx.addDevice('eifd-24');
    const client = await connectDevice(fx.ports.mqtt, creds);
    const dropped = closed(client);
    const cli = cliStore();
    const fresh = cli.store.rekey('eifd-24');
    cli.close();
    await dropped;
    client.end(true);
    const changed = fx.hub.bus.next('ingest.rejected');
    await expect(connectDevice(fx.ports.mqtt, creds)).rejects.toThrow(/bad username or password/i);
    expect((await changed)[0]).toEqual({ reason: 'bad_password', deviceId: 'eifd-24' });
    const again = await connectDevice(fx.ports.mqtt, fresh);
    expect(again.connected).toBe(true);
    await again.endAsync();
  });
});
