import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closed, connectDevice } from '../helpers/device-client.ts';
import { runHubCli, spawnHub, waitUntil, type HubProcess } from '../helpers/hub-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { writeCentreConfig } from '../helpers/config-file.ts';

const SECRET = /^[A-Za-z0-9_-]{43}$/;

describe('huduma-hub CLI (its own processes)', () => {
  let dir: ReturnType<typeof tempDir>;
  let hub: HubProcess | null = null;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    await hub?.kill();
    hub = null;
    dir.remove();
  });

  it('device add prints only the credentials JSON on stdout', async () => {
    // Before a hub has run on it, the data dir learns its centre from --config.
    const result = await runHubCli(['device', 'add', 'eifd-51', '--counter', 'c07', '--data-dir', dir.path, '--config', writeCentreConfig(dir.path, {})]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    const issued = JSON.parse(result.stdout);
    expect(Object.keys(issued).sort()).toEqual(['counterId', 'deviceId', 'password', 'username']);
    expect(issued).toMatchObject({ deviceId: 'eifd-51', username: 'eifd-51', counterId: 'c07' });
    expect(issued.password).toMatch(SECRET);

    const again = await runHubCli(['device', 'add', 'eifd-51', '--counter', 'c07', '--data-dir', dir.path]);
    expect(again.code).toBe(65);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/already exists.*device rekey/);

    const list = JSON.parse((await runHubCli(['device', 'list', '--data-dir', dir.path])).stdout);
    expect(list.devices).toEqual([expect.objectContaining({ deviceId: 'eifd-51', counterId: 'c07', revoked: false })]);
  });

  it('explains bad input with an exit code and nothing on stdout', async () => {
    expect((await runHubCli(['device', 'add', 'eifd-50', '--counter', 'c01', '--data-dir', dir.path, '--config', writeCentreConfig(dir.path, {})])).code).toBe(0);
    const unknownCounter = await runHubCli(['device', 'add', 'eifd-52', '--counter', 'c99', '--data-dir', dir.path]);
    expect(unknownCounter).toMatchObject({ code: 65, stdout: '' });
    expect(unknownCounter.stderr).toMatch(/unknown counter "c99".*c01, c02/);
    const badId = await runHubCli(['device', 'add', 'EIFD 1', '--counter', 'c01', '--data-dir', dir.path]);
    expect(badId.code).toBe(65);
    expect(badId.stderr).toMatch(/must match/);
    const badFlag = await runHubCli(['device', 'add', 'eifd-52', '--countr', 'c01', '--data-dir', dir.path]);
    expect(badFlag.code).toBe(64);
    expect(badFlag.stderr).toMatch(/unknown flag --countr; did you mean --counter\?/);
    const noRole = await runHubCli(['token', 'create', '--role', 'janitor', '--data-dir', dir.path]);
    expect(noRole.code).toBe(64);
    const officerWithoutCounter = await runHubCli(['token', 'create', '--role', 'officer', '--data-dir', dir.path]);
    expect(officerWithoutCounter.stderr).toMatch(/--counter/);

    const configPath = join(dir.path, 'centre.json');
    writeFileSync(configPath, JSON.stringify({ centre: { id: 'x', name: { en: 'X', sw: 'X' } }, services: [], counters: [], mqtt: { port: 'abc' } }));
    const badConfig = await runHubCli(['start', '--config', configPath, '--data-dir', dir.path]);
    expect(badConfig.code).toBe(78);
    expect(badConfig.stderr).toMatch(/mqtt\.port: expected number/);
    expect(badConfig.stderr).toMatch(/services: /);
  });

  it('token create prints a token the hub accepts', async () => {
    const created = await runHubCli(['token', 'create', '--role', 'technician', '--data-dir', dir.path]);
    expect(created.code).toBe(0);
    const { token } = JSON.parse(created.stdout);
    expect(token).toMatch(SECRET);
    hub = await spawnHub(['--data-dir', dir.path, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1']);
    const response = await fetch(`http://127.0.0.1:${hub.httpPort}/api/feedback/recent`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ presses: [] });
  });

  it('applies device add and revoke made while the hub runs', async () => {
    hub = await spawnHub(['--data-dir', dir.path, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1']);
    const issued = JSON.parse((await runHubCli(['device', 'add', 'eifd-53', '--counter', 'c02', '--data-dir', dir.path])).stdout);
    const health = () => fetch(`http://127.0.0.1:${hub!.httpPort}/health`).then((r) => r.json() as Promise<{ devices: { total: number } }>);
    await waitUntil(health, (h) => h.devices.total === 1, 'the hub to see the new device');
    const client = await connectDevice(hub.mqttPort, issued);
    const dropped = closed(client);
    const revoked = await runHubCli(['device', 'revoke', 'eifd-53', '--data-dir', dir.path]);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ deviceId: 'eifd-53', revoked: true });
    await dropped;
    client.end(true);
    await expect(connectDevice(hub.mqttPort, issued)).rejects.toThrow(/bad username or password/i);
  });

  it('refuses a second hub on the same data dir, and stops cleanly on SIGTERM', async () => {
    hub = await spawnHub(['--data-dir', dir.path, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1']);
    const second = await runHubCli(['start', '--data-dir', dir.path, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1']);
    expect(second.code).toBe(75);
    expect(second.stderr).toMatch(new RegExp(`another hub is already running on data dir .*\\(pid ${hub.child.pid}\\)`));
    expect(await hub.kill('SIGTERM')).toBe(0);
    expect(hub.stderr()).toMatch(/"msg":"stopped"/);
    hub = null;
  });

  it('takes a free port when a default one is taken, keeps it at the next start, and refuses a taken port that was asked for', async () => {
    // Hold the default ports if nobody else does (a centre box may run mosquitto on 1883).
    const held: Server[] = [];
    for (const port of [1883, 8080]) {
      const server = createServer();
      const listening = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false));
        server.listen(port, '127.0.0.1', () => resolve(true));
      });
      if (listening) held.push(server);
    }
    try {
      hub = await spawnHub(['--data-dir', dir.path, '--host', '127.0.0.1']);
      expect(hub.mqttPort).not.toBe(1883);
      expect(hub.httpPort).not.toBe(8080);
      expect(hub.stderr()).toMatch(/MQTT default port 1883 is taken/);
      const health = (await (await fetch(`http://127.0.0.1:${hub.httpPort}/health`)).json()) as { mqtt: { port: number } };
      expect(health.mqtt.port).toBe(hub.mqttPort);
      // A restart of the same data dir comes back on the same fallback ports: a bridge
      // set up from the first start keeps working.
      const first = { mqtt: hub.mqttPort, http: hub.httpPort };
      expect(await hub.kill('SIGTERM')).toBe(0);
      hub = await spawnHub(['--data-dir', dir.path, '--host', '127.0.0.1']);
      expect({ mqtt: hub.mqttPort, http: hub.httpPort }).toEqual(first);
      const explicit = await runHubCli(['start', '--data-dir', join(dir.path, 'other'), '--mqtt-port', String(hub.mqttPort), '--http-port', '0', '--host', '127.0.0.1']);
      expect(explicit.code).toBe(75);
      expect(explicit.stderr).toMatch(/MQTT port \d+ on 127\.0\.0\.1 is already in use; choose another with --mqtt-port N/);
    } finally {
      for (const server of held) server.close();
    }
  });

  it('validates counters against the centre that owns the data dir, not the sample centre', async () => {
    const configPath = writeCentreConfig(dir.path, {});
    const custom = JSON.parse((await import('node:fs')).readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    custom.counters = [
      { id: 'k01', label: '1', serviceIds: ['kra'] },
      { id: 'k02', label: '2', serviceIds: ['kra'] },
    ];
    writeFileSync(configPath, JSON.stringify(custom));
    const dataDir = join(dir.path, 'hub');
    hub = await spawnHub(['--config', configPath, '--data-dir', dataDir, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1']);
    expect(await hub.kill('SIGTERM')).toBe(0);
    hub = null;
    // No --config: the data dir knows its centre from the hub's start.
    const added = await runHubCli(['device', 'add', 'eifd-k1', '--counter', 'k01', '--data-dir', dataDir]);
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ deviceId: 'eifd-k1', counterId: 'k01' });
    const sample = await runHubCli(['device', 'add', 'eifd-c5', '--counter', 'c05', '--data-dir', dataDir]);
    expect(sample.code).toBe(65);
    expect(sample.stderr).toMatch(/unknown counter "c05"; this centre has: k01, k02/);

    // A data dir no hub has run on does not guess the sample centre.
    const fresh = join(dir.path, 'fresh');
    (await import('node:fs')).mkdirSync(fresh);
    const unknown = await runHubCli(['device', 'add', 'eifd-k2', '--counter', 'k01', '--data-dir', fresh]);
    expect(unknown.code).toBe(66);
    expect(unknown.stderr).toContain(`data dir ${fresh} does not know its centre yet`);
    expect(unknown.stderr).toMatch(/--config FILE/);
    expect((await runHubCli(['device', 'add', 'eifd-k2', '--counter', 'k01', '--data-dir', fresh, '--config', configPath])).code).toBe(0);
    expect((await runHubCli(['device', 'add', 'eifd-k3', '--counter', 'k02', '--data-dir', fresh])).code).toBe(0);
  });

  it('refuses a data dir that does not exist (exit 66, naming it) and does not create it', async () => {
    const missing = join(dir.path, 'missing');
    for (const args of [['device', 'list'], ['token', 'list'], ['officer', 'list'], ['sync', 'status'], ['sync', 'drain']]) {
      const result = await runHubCli([...args, '--data-dir', missing]);
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 66, stdout: '' });
      expect(result.stderr).toContain(`data dir ${missing} does not exist`);
    }
    expect(existsSync(missing)).toBe(false);
    // The default data dir (./data/hub) is no exception: the demo's is elsewhere.
    const fromElsewhere = await runHubCli(['device', 'add', 'eifd-01', '--counter', 'c01'], { cwd: dir.path });
    expect(fromElsewhere.code).toBe(66);
    expect(fromElsewhere.stderr).toContain(`data dir ${join(dir.path, 'data/hub')} does not exist`);
    expect(fromElsewhere.stderr).toMatch(/the demo prints its own/);
  });
});
