import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { deviceTopic } from '../../protocol/topics.ts';
import { systemClock } from '../../runtime/clock.ts';
import { StaffAccounts } from '../../hub/auth/staff-accounts.ts';
import { openHubDatabase } from '../../hub/store/database.ts';
import { closed, connectDevice, newBootId, publishPress } from '../helpers/device-client.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { QueueClient, tokensFor } from '../helpers/queue-client.ts';

const CENTRE = 'demo-centre';
const COUNTERS = ['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08', 'c09', 'c10'];

/** Resolves with the next message on `topic` whose payload passes `accept`. */
function nextMessage(client: MqttClient, topic: string, accept: (payload: string) => boolean = () => true): Promise<string> {
  return new Promise((resolve) => {
    const onMessage = (t: string, payload: Buffer) => {
      if (t !== topic || !accept(payload.toString())) return;
      client.removeListener('message', onMessage);
      resolve(payload.toString());
    };
    client.on('message', onMessage);
  });
}

type Audit = { entries: Array<{ actor: string; action: string; target: string | null; details: Record<string, unknown> }> };

/**
 * The technician's device endpoints (docs/provisioning.md, "Device endpoints") on a real
 * hub, after a real staff login: move, revoke and rekey do what `huduma-hub device …`
 * does, at once, to a real mqtt.js device; each is on the audit trail.
 */
describe('technician device endpoints', () => {
  let fx: HubFixture;
  let api: QueueClient;
  let technician: string;
  beforeEach(async () => {
    fx = await startHub();
    api = new QueueClient(fx.ports.http);
    // The account as `huduma-hub staff add` makes it: another connection to the database.
    const db = openHubDatabase(fx.dataDir, { role: 'cli' });
    const { password } = await new StaffAccounts(db, systemClock).add('amina', 'technician');
    db.close();
    const login = await api.call<{ token: string; role: string }>('POST', '/api/auth/login', null, { name: 'amina', password });
    expect(login.body.role).toBe('technician');
    technician = login.body.token;
  });
  afterEach(async () => {
    await fx.stop();
  });

  it('refuses every device, printer, board and config endpoint without a login (401) and with a kiosk or officer token (403)', async () => {
    const tokens = tokensFor(fx, COUNTERS);
    fx.addDevice('eifd-30', 'c01');
    const endpoints: Array<['GET' | 'POST' | 'PUT' | 'DELETE', string, unknown?]> = [
      ['PUT', '/api/devices/eifd-30/counter', { counterId: 'c02' }],
      ['DELETE', '/api/devices/eifd-30'],
      ['POST', '/api/devices/eifd-30/rekey', {}],
      ['POST', '/api/printer/test', {}],
      ['GET', '/api/boards'],
      ['POST', '/api/boards/hall-1/test', {}],
      ['GET', '/api/config'],
      ['POST', '/api/config/validate', {}],
      ['PUT', '/api/config', {}],
    ];
    for (const [method, path, body] of endpoints) {
      expect((await api.call(method, path, null, body)).status, `${method} ${path} without a token`).toBe(401);
      expect((await api.call(method, path, tokens.kiosk, body)).status, `${method} ${path} as kiosk`).toBe(403);
      expect((await api.call(method, path, tokens.officer('c01'), body)).status, `${method} ${path} as officer`).toBe(403);
    }
    // Nothing happened to the device on the way.
    expect(fx.hub.health().devices.total).toBe(1);
  });

  it('moves a device: 200, its retained config is republished with the new counter; 404 unknown device, 400 names an unknown counter', async () => {
    const creds = fx.addDevice('eifd-31', 'c05');
    const client = await connectDevice(fx.ports.mqtt, creds);
    const topic = deviceTopic(CENTRE, 'eifd-31', 'config');
    const first = nextMessage(client, topic);
    await client.subscribeAsync(topic, { qos: 1 });
    expect(JSON.parse(await first)).toMatchObject({ counterId: 'c05' });

    const moved = nextMessage(client, topic, (payload) => payload.includes('"c08"'));
    const answer = await api.call('PUT', '/api/devices/eifd-31/counter', technician, { counterId: 'c08' });
    expect(answer).toEqual({ status: 200, body: { deviceId: 'eifd-31', counterId: 'c08' } });
    expect(JSON.parse(await moved)).toMatchObject({ counterId: 'c08', counterLabel: '8' });
    const list = await api.call<{ devices: Array<{ deviceId: string; counterId: string }> }>('GET', '/api/devices', technician);
    expect(list.body.devices.find((d) => d.deviceId === 'eifd-31')?.counterId).toBe('c08');
    // The next press counts for the new counter.
    await publishPress(client, CENTRE, 'eifd-31', { seq: 1, boot: newBootId(), rating: 4, upMs: 10_000, sentUpMs: 10_500 });
    const recent = await api.call<{ presses: Array<{ deviceId: string; counterId: string; rating: number }> }>('GET', '/api/feedback/recent?limit=1', technician);
    expect(recent.body.presses).toEqual([expect.objectContaining({ deviceId: 'eifd-31', counterId: 'c08', rating: 4 })]);

    expect((await api.call('PUT', '/api/devices/nobody/counter', technician, { counterId: 'c01' })).status).toBe(404);
    const badCounter = await api.call<{ error: { code: string; message: string } }>('PUT', '/api/devices/eifd-31/counter', technician, { counterId: 'c99' });
    expect(badCounter.status).toBe(400);
    expect(badCounter.body.error.message).toContain('unknown counter "c99"');
    await client.endAsync();

    const audit = await api.call<Audit>('GET', '/api/audit?limit=5', technician);
    expect(audit.body.entries[0]).toMatchObject({ actor: 'amina', action: 'device.moved', target: 'eifd-31', details: { from: 'c05', to: 'c08' } });
  });

  it('revokes a device: its MQTT connection drops at once and it cannot connect again', async () => {
    const creds = fx.addDevice('eifd-32', 'c03');
    const client = await connectDevice(fx.ports.mqtt, creds);
    const dropped = closed(client);
    const answer = await api.call<{ revoked: boolean }>('DELETE', '/api/devices/eifd-32', technician);
    expect(answer.status).toBe(200);
    expect(answer.body.revoked).toBe(true);
    await dropped;
    client.end(true);
    await expect(connectDevice(fx.ports.mqtt, creds)).rejects.toThrow(/bad username or password/i);
    expect((await api.call('DELETE', '/api/devices/eifd-32', technician)).status).toBe(404);
    const audit = await api.call<Audit>('GET', '/api/audit?limit=5', technician);
    expect(audit.body.entries[0]).toMatchObject({ actor: 'amina', action: 'device.revoked', target: 'eifd-32', details: { counterId: 'c03' } });
  });

  it('rekeys a device: the new password is shown once, the old connection drops, only the new secret works; the password never reaches the audit trail', async () => {
    const creds = fx.addDevice('eifd-33', 'c02');
    const client = await connectDevice(fx.ports.mqtt, creds);
    const dropped = closed(client);
    const answer = await api.call<{ deviceId: string; username: string; password: string; counterId: string }>('POST', '/api/devices/eifd-33/rekey', technician, {});
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ deviceId: 'eifd-33', username: 'eifd-33', counterId: 'c02' });
    expect(answer.body.password).not.toBe(creds.password);
    await dropped;
    client.end(true);
    await expect(connectDevice(fx.ports.mqtt, creds)).rejects.toThrow(/bad username or password/i);
    const again = await connectDevice(fx.ports.mqtt, { deviceId: 'eifd-33', password: answer.body.password });
    expect(again.connected).toBe(true);
    await again.endAsync();
    const audit = await api.call<Audit>('GET', '/api/audit?limit=5', technician);
    expect(audit.body.entries[0]).toMatchObject({ actor: 'amina', action: 'device.rekeyed', target: 'eifd-33' });
    expect(JSON.stringify(audit.body)).not.toContain(answer.body.password);
  });
});
