import BetterSqlite3 from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvrFirmataBoard } from '../../hardware/firmata/avr/avr-firmata-board.ts';
import { PairingReplyMessage } from '../../protocol/messages/pairing.ts';
import { deviceTopic, pairingTopic } from '../../protocol/topics.ts';
import { writeCentreConfig } from '../helpers/config-file.ts';
import { counterHost, pressUntilAcknowledged, type CounterHost } from '../helpers/counter-host.ts';
import { runHubCli, spawnHub, waitUntil, type HubProcess } from '../helpers/hub-process.ts';
import { lanRequest } from '../helpers/lan-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * Issue 15, pairing: a running hub, a technician logged in, and `huduma-bridge start
 * --pair CODE` as its own process against a board on a real PTY. What the hub created
 * is read from its database, as `device list` would.
 */
describe('pairing a feedback device by code (a running hub, real bridge processes)', () => {
  const dir = tempDir('huduma-pairing-');
  let hub: HubProcess;
  let token: string;
  const hosts: CounterHost[] = [];

  const bearer = () => ({ authorization: `Bearer ${token}` });
  const openCode = async (counterId: string) => {
    const answer = await lanRequest(hub.httpPort, { path: '/api/pairing', headers: bearer(), body: { counterId } });
    expect(answer.status, JSON.stringify(answer.json)).toBe(201);
    return answer.json as { code: string; counterId: string; expiresAt: string };
  };
  const db = () => new BetterSqlite3(join(dir.path, 'hub', 'hub.db'), { readonly: true, fileMustExist: true });
  const query = <T>(sql: string, ...params: unknown[]): T[] => {
    const handle = db();
    try {
      return handle.prepare(sql).all(...params) as T[];
    } finally {
      handle.close();
    }
  };
  const devices = () => query<{ device_id: string; counter_id: string }>('SELECT device_id, counter_id FROM devices ORDER BY device_id');
  const audit = async () => (await lanRequest(hub.httpPort, { path: '/api/audit?limit=50', headers: bearer() })).json.entries as Array<{ actor: string; action: string; target: string | null; details: Record<string, unknown> }>;
  const hubArgs = (flag = '--hub') => [flag, `mqtt://127.0.0.1:${hub.mqttPort}`, '--centre', 'demo-centre'];
  const host = async (board?: AvrFirmataBoard) => {
    const h = await counterHost(board);
    hosts.push(h);
    return h;
  };

  beforeAll(async () => {
    const hubDir = join(dir.path, 'hub');
    // staff add works on an existing data dir (the hub makes it at its first start).
    mkdirSync(hubDir, { recursive: true });
    const config = writeCentreConfig(dir.path, { pairing: { codeTtlMs: 1000 * 60 } });
    const staff = await runHubCli(['staff', 'add', 'wanjiru', '--role', 'technician', '--data-dir', hubDir]);
    expect(staff.code, staff.stderr).toBe(0);
    const { password } = JSON.parse(staff.stdout) as { password: string };
    hub = await spawnHub(['--config', config, '--data-dir', hubDir, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1']);
    const login = await lanRequest(hub.httpPort, { path: '/api/auth/login', body: { name: 'wanjiru', password } });
    token = (login.json as { token: string }).token;
  });

  afterAll(async () => {
    for (const h of hosts) await h.close();
    await hub?.kill();
    dir.remove();
  });

  it('opening a code needs a technician; an unknown counter is a 404 naming it', async () => {
    expect((await lanRequest(hub.httpPort, { path: '/api/pairing', body: { counterId: 'c01' } })).status).toBe(401);
    const unknown = await lanRequest(hub.httpPort, { path: '/api/pairing', headers: bearer(), body: { counterId: 'c99' } });
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.json)).toContain('c99');
    const opened = await openCode('c01');
    expect(opened.code).toMatch(/^\d{6}$/);
    expect(Date.parse(opened.expiresAt) - Date.now()).toBeGreaterThan(50_000);
    const entry = (await audit()).find((e) => e.action === 'pairing.opened');
    expect(entry).toMatchObject({ actor: 'wanjiru', target: 'c01' });
    // The code is a secret until claimed: never on the audit trail.
    expect(JSON.stringify(await audit())).not.toContain(opened.code);
  });

  it('--pair claims an identity at the code\'s counter, a press is stored there, and a restart needs no code', async () => {
    const h = await host();
    const bridgeDir = join(dir.path, 'bridge-c03');
    const { code } = await openCode('c03');
    let bridge = h.bridge([...hubArgs(), '--pair', code, '--data-dir', bridgeDir]);
    const paired = await bridge.logged('paired');
    const deviceId = paired.deviceId as string;
    expect(paired.counterId).toBe('c03');
    expect(devices()).toContainEqual({ device_id: deviceId, counter_id: 'c03' });
    expect(statSync(join(bridgeDir, 'paired-device.json')).mode & 0o777).toBe(0o600);
    expect(bridge.stderr()).not.toContain(code);
    const claimed = (await audit()).find((e) => e.action === 'pairing.claimed');
    expect(claimed).toMatchObject({ actor: 'wanjiru', target: deviceId, details: { counterId: 'c03', firmware: expect.stringMatching(/\S/), firmwareVersion: '2.5' } });

    await bridge.logged('board armed');
    // Armed on the line the firmware was read on, not after the arm deadline and a reopen.
    expect(bridge.stderr()).not.toMatch(/did not finish starting|board unavailable/);
    await pressUntilAcknowledged(h.board, 2);
    const stored = () => Promise.resolve(query<{ device_id: string; counter_id: string; rating: number }>('SELECT device_id, counter_id, rating FROM presses WHERE device_id = ?', deviceId));
    expect(await waitUntil(stored, (rows) => rows.length === 1, 'the first press')).toEqual([{ device_id: deviceId, counter_id: 'c03', rating: 4 }]);

    expect(await bridge.kill('SIGTERM')).toBe(0);
    bridge = h.bridge([...hubArgs(), '--data-dir', bridgeDir]);
    await bridge.logged('board armed');
    await pressUntilAcknowledged(h.board, 5);
    expect(await waitUntil(stored, (rows) => rows.length === 2, 'the press after a restart')).toContainEqual({ device_id: deviceId, counter_id: 'c03', rating: 1 });
    expect(devices().filter((d) => d.counter_id === 'c03')).toHaveLength(1);
    await bridge.kill('SIGTERM');

    // The same code again, on another counter host: used; the bridge exits 77, nothing is created.
    const before = devices();
    const again = (await host()).bridge([...hubArgs(), '--pair', code, '--data-dir', join(dir.path, 'bridge-again')]);
    expect(await again.exited).toBe(77);
    expect(again.stderr()).toMatch(/already used/);
    expect(devices()).toEqual(before);
  }, 90_000);

  it('a wrong code: exit 77 saying so, nothing created', async () => {
    const { code } = await openCode('c02');
    const wrong = code === '000000' ? '000001' : '000000';
    const before = devices();
    const bridge = (await host()).bridge([...hubArgs(), '--pair', wrong, '--data-dir', join(dir.path, 'bridge-wrong')]);
    expect(await bridge.exited).toBe(77);
    expect(bridge.stderr()).toMatch(/wrong pairing code/);
    expect(devices()).toEqual(before);
  }, 30_000);

  it('a pairing client reaches only its own two topics: no press, no other subscription', async () => {
    const clientId = 'pair-0123456789abcdef01234567';
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${hub.mqttPort}`, { clientId, username: 'pair', reconnectPeriod: 0 });
    try {
      const others = ['#', 'huduma/v1/demo-centre/devices/+/config', pairingTopic('demo-centre', 'pair-ffffffffffffffffffffffff', 'reply'), pairingTopic('demo-centre', clientId, 'claim')];
      // Refused in the SUBACK (0x80); mqtt.js rejects the subscription with it.
      for (const topic of others) await expect(client.subscribeAsync(topic, { qos: 1 }), topic).rejects.toThrow(/Subscribe error/);
      const [own] = await client.subscribeAsync(pairingTopic('demo-centre', clientId, 'reply'), { qos: 1 });
      expect(own?.qos).toBe(1);
      // A claim that is not one is answered, not guessed with: nothing is created.
      const devicesBefore = devices();
      const reply = new Promise<PairingReplyMessage>((resolve) => client.once('message', (_t, payload) => resolve(PairingReplyMessage.parse(JSON.parse(payload.toString())))));
      await client.publishAsync(pairingTopic('demo-centre', clientId, 'claim'), '{"code":"12ab"}', { qos: 1 });
      expect(await reply).toMatchObject({ ok: false, reason: 'claim_invalid' });
      expect(devices()).toEqual(devicesBefore);
      const pressesBefore = query<{ n: number }>('SELECT count(*) AS n FROM presses')[0]!.n;
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      const victim = devices()[0]?.device_id ?? 'eifd-c01';
      client.publish(deviceTopic('demo-centre', victim, 'press'), JSON.stringify({ v: 1, boot: 'x'.repeat(24), seq: 1, rating: 4, upMs: 1, sentUpMs: 1 }), { qos: 1 });
      await closed;
      expect(query<{ n: number }>('SELECT count(*) AS n FROM presses')[0]!.n).toBe(pressesBefore);
    } finally {
      await client.endAsync(true);
    }
    // A pairing client must use a fresh random id: a device's id is refused.
    await expect(mqtt.connectAsync(`mqtt://127.0.0.1:${hub.mqttPort}`, { clientId: 'eifd-c01', username: 'pair', reconnectPeriod: 0 })).rejects.toThrow(/Identifier rejected|not authorized|Bad/i);
  });

  it('five wrong codes close pairing: even the right code is refused until a new one is opened', async () => {
    const { code } = await openCode('c04');
    const clientId = 'pair-aaaaaaaaaaaaaaaaaaaaaaaa';
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${hub.mqttPort}`, { clientId, username: 'pair', reconnectPeriod: 0 });
    const replies: PairingReplyMessage[] = [];
    client.on('message', (_topic, payload) => replies.push(PairingReplyMessage.parse(JSON.parse(payload.toString()))));
    await client.subscribeAsync(pairingTopic('demo-centre', clientId, 'reply'), { qos: 1 });
    const claim = async (c: string) => {
      const count = replies.length;
      await client.publishAsync(pairingTopic('demo-centre', clientId, 'claim'), JSON.stringify({ code: c, firmware: { name: 'test', version: '2.5' }, bridge: 'test/1' }), { qos: 1 });
      await waitUntil(() => Promise.resolve(replies.length), (n) => n > count, 'a pairing reply');
      return replies[count]!;
    };
    try {
      const wrongs = ['111111', '222222', '333333', '444444', '555555'].filter((c) => c !== code).slice(0, 5);
      if (wrongs.length < 5) wrongs.push('666666');
      for (const wrong of wrongs) expect(await claim(wrong)).toMatchObject({ ok: false, reason: 'code_wrong' });
      expect(await claim(code)).toMatchObject({ ok: false, reason: 'pairing_closed' });
    } finally {
      await client.endAsync(true);
    }
    const before = devices();
    const bridge = (await host()).bridge([...hubArgs(), '--pair', code, '--data-dir', join(dir.path, 'bridge-closed')]);
    expect(await bridge.exited).toBe(77);
    expect(bridge.stderr()).toMatch(/pairing closed/);
    expect(devices()).toEqual(before);
    // A new code opens the window again.
    const fresh = await openCode('c04');
    const ok = (await host()).bridge([...hubArgs(), '--pair', fresh.code, '--data-dir', join(dir.path, 'bridge-reopened')]);
    expect((await ok.logged('paired')).counterId).toBe('c04');
    await ok.kill('SIGTERM');
  }, 60_000);

  it('the same pairing with the real StandardFirmata firmware in avr8js', async () => {
    const h = await host(new AvrFirmataBoard());
    const { code } = await openCode('c05');
    const bridge = h.bridge([...hubArgs(), '--pair', code, '--data-dir', join(dir.path, 'bridge-avr')]);
    const paired = await bridge.logged('paired');
    expect(paired.counterId).toBe('c05');
    const claimed = (await audit()).find((e) => e.action === 'pairing.claimed' && e.target === paired.deviceId);
    expect(claimed?.details.firmware).toMatch(/StandardFirmata/);
    await bridge.logged('board armed');
    expect(bridge.stderr()).not.toMatch(/did not finish starting|board unavailable/);
    await pressUntilAcknowledged(h.board, 3);
    const rows = await waitUntil(() => Promise.resolve(query<{ counter_id: string; rating: number }>('SELECT counter_id, rating FROM presses WHERE device_id = ?', paired.deviceId)), (r) => r.length === 1, 'the avr press');
    expect(rows).toEqual([{ counter_id: 'c05', rating: 3 }]);
    await bridge.kill('SIGTERM');
  }, 120_000);
});

describe('an expired pairing code (a running hub with 1 s codes)', () => {
  const dir = tempDir('huduma-pairing-expiry-');
  let hub: HubProcess | undefined;
  let h: CounterHost | undefined;
  afterAll(async () => {
    await h?.close();
    await hub?.kill();
    dir.remove();
  });

  it('the bridge exits 77 saying the code expired; nothing is created', async () => {
    const hubDir = join(dir.path, 'hub');
    // staff add works on an existing data dir (the hub makes it at its first start).
    mkdirSync(hubDir, { recursive: true });
    const config = writeCentreConfig(dir.path, { pairing: { codeTtlMs: 1000 } });
    const staff = await runHubCli(['staff', 'add', 'baraka', '--role', 'manager', '--data-dir', hubDir]);
    const { password } = JSON.parse(staff.stdout) as { password: string };
    hub = await spawnHub(['--config', config, '--data-dir', hubDir, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1']);
    const port = hub.httpPort;
    const login = await lanRequest(port, { path: '/api/auth/login', body: { name: 'baraka', password } });
    const opened = await lanRequest(port, { path: '/api/pairing', headers: { authorization: `Bearer ${(login.json as { token: string }).token}` }, body: { counterId: 'c01' } });
    expect(opened.status).toBe(201);
    const { code, expiresAt } = opened.json as { code: string; expiresAt: string };
    // The hub's clock is its own process's wall clock: wait until the expiry it announced has passed.
    await waitUntil(() => Promise.resolve(Date.now()), (now) => now > Date.parse(expiresAt) + 100, 'the code to expire');
    h = await counterHost();
    const bridge = h.bridge(['--hub', `mqtt://127.0.0.1:${hub.mqttPort}`, '--centre', 'demo-centre', '--pair', code, '--data-dir', join(dir.path, 'bridge')]);
    expect(await bridge.exited).toBe(77);
    expect(bridge.stderr()).toMatch(/pairing code expired/);
    const db = new BetterSqlite3(join(hubDir, 'hub.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM devices').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  }, 60_000);
});

describe('finding the hub by mDNS', () => {
  const dir = tempDir('huduma-pairing-mdns-');
  let hub: HubProcess | undefined;
  let h: CounterHost | undefined;
  afterAll(async () => {
    await h?.close();
    await hub?.kill();
    dir.remove();
  });

  it('a bridge started without --hub finds its centre\'s hub (_huduma-hub._tcp) and pairs', async () => {
    // A centre id no other test's hub announces, so only this hub can answer.
    const centreId = `mdns-${process.pid}`;
    const hubDir = join(dir.path, 'hub');
    // staff add works on an existing data dir (the hub makes it at its first start).
    mkdirSync(hubDir, { recursive: true });
    const config = writeCentreConfig(dir.path, { centre: { id: centreId } });
    const staff = await runHubCli(['staff', 'add', 'kamau', '--role', 'technician', '--data-dir', hubDir]);
    const { password } = JSON.parse(staff.stdout) as { password: string };
    hub = await spawnHub(['--config', config, '--data-dir', hubDir, '--mqtt-port', '0', '--http-port', '0', '--host', '0.0.0.0']);
    const login = await lanRequest(hub.httpPort, { path: '/api/auth/login', body: { name: 'kamau', password } });
    const opened = await lanRequest(hub.httpPort, { path: '/api/pairing', headers: { authorization: `Bearer ${(login.json as { token: string }).token}` }, body: { counterId: 'c02' } });
    h = await counterHost();
    const bridge = h.bridge(['--centre', centreId, '--pair', (opened.json as { code: string }).code, '--data-dir', join(dir.path, 'bridge')]);
    const found = await bridge.logged('hub found by mDNS');
    expect(found.hub).toMatch(new RegExp(`:${hub.mqttPort}$`));
    expect((await bridge.logged('paired')).counterId).toBe('c02');
    await bridge.kill('SIGTERM');
  }, 60_000);
});
