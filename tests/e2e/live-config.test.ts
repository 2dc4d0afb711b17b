import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCentreConfig } from '../helpers/config-file.ts';
import { runHubCli, spawnHub, type HubProcess } from '../helpers/hub-process.ts';
import { QueueClient } from '../helpers/queue-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';

type Config = { services: Array<{ id: string; dailyCap?: number; openingHours?: unknown }>; counters: Array<{ id: string; label: string; serviceIds: string[] }>; mqtt: { port: number }; secretariat: { secret?: string } };
type ErrorBody = { error: { code: string; message: string; issues?: Array<{ path: string; message: string }>; state?: string } };
type Audit = { entries: Array<{ actor: string; action: string; target: string | null; details: Record<string, unknown> }> };

const SECRET = 'a-secretariat-secret-of-forty-characters!';

/**
 * Issue 15, live config and the printer test, against a running `huduma-hub start`
 * process after a real staff login (docs/live-config.md): an invalid config is refused
 * with its field named and the centre unchanged; a valid one adds a counter at once and
 * survives a restart; what needs a restart and what would strand a waiting ticket are
 * refused with the reason; the printer test uses no ticket number. Each is audited.
 */
describe('live centre config and printer test (a running hub)', () => {
  const dir = tempDir('huduma-live-config-');
  const configPath = writeCentreConfig(dir.path, { secretariat: { url: 'http://127.0.0.1:9/never', secret: SECRET } });
  const args = ['--config', configPath, '--data-dir', dir.path, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1'];
  let hub: HubProcess;
  let api: QueueClient;
  let technician: string;
  let kiosk: string;

  const cli = async (...cliArgs: string[]) => {
    const result = await runHubCli([...cliArgs, '--data-dir', dir.path]);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Record<string, string>;
  };
  const counterIds = async () => (await api.call<{ counters: Array<{ id: string }> }>('GET', '/api/counters', null)).body.counters.map((c) => c.id);
  const running = async () => (await api.call<Config>('GET', '/api/config', technician)).body;

  beforeAll(async () => {
    const amina = await cli('staff', 'add', 'amina', '--role', 'technician');
    kiosk = (await cli('token', 'create', '--role', 'kiosk')).token!;
    hub = await spawnHub(args);
    api = new QueueClient(hub.httpPort);
    technician = (await api.call<{ token: string }>('POST', '/api/auth/login', null, { name: 'amina', password: amina.password })).body.token;
  });

  afterAll(async () => {
    await hub?.kill();
    dir.remove();
  });

  it('shows the running config with its secret redacted, in the shape PUT takes', async () => {
    const answer = await api.call('GET', '/api/config', technician);
    expect(answer.status).toBe(200);
    expect(JSON.stringify(answer.body)).not.toContain(SECRET);
    expect((answer.body as Config).secretariat.secret).toBe('(redacted)');
    expect(await api.call('POST', '/api/config/validate', technician, answer.body)).toEqual({ status: 200, body: { ok: true } });
    // Sent back unchanged: accepted, nothing changed.
    expect((await api.call('PUT', '/api/config', technician, answer.body)).body).toEqual({ applied: true, changed: [], persistedTo: null });
    expect(existsSync(join(dir.path, 'live-config.json'))).toBe(false);
  });

  it('refuses an invalid config with each field named and the fix, and the running centre is unchanged', async () => {
    const before = await counterIds();
    const config = await running();
    config.counters.push({ id: 'c11', label: '11', serviceIds: ['no-such-service'] });
    (config as unknown as Record<string, unknown>).colour = 'blue';
    for (const [method, path] of [['POST', '/api/config/validate'], ['PUT', '/api/config']] as const) {
      const answer = await api.call<ErrorBody>(method, path, technician, config);
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('invalid_config');
      expect(answer.body.error.issues).toEqual(
        expect.arrayContaining([
          { path: `counters[${config.counters.length - 1}].serviceIds[0]`, message: expect.stringContaining('unknown service "no-such-service" (add it to services or remove it here)') },
          { path: '(top level)', message: expect.stringContaining('unknown key "colour"') },
        ]),
      );
    }
    expect(await counterIds()).toEqual(before);
    expect(await counterIds()).not.toContain('c11');
  });

  it('refuses what needs a restart (a port) with that reason', async () => {
    const config = await running();
    config.mqtt.port = 1884;
    const answer = await api.call<ErrorBody>('PUT', '/api/config', technician, config);
    expect(answer.status).toBe(409);
    expect(answer.body.error).toMatchObject({ code: 'restart_required', issues: [{ path: 'mqtt', message: expect.stringContaining('restart the hub') }] });
  });

  it('applies a new counter live: on /api/counters at once, the CLI accepts it, audited, kept on disk', async () => {
    const config = await running();
    config.counters.push({ id: 'c11', label: '11', serviceIds: ['kra', 'helb'] });
    const answer = await api.call('PUT', '/api/config', technician, config);
    expect(answer).toEqual({ status: 200, body: { applied: true, changed: ['counters'], persistedTo: join(dir.path, 'live-config.json') } });
    expect(await counterIds()).toContain('c11');
    // `huduma-hub token create` (another process) checks counters against what the hub runs.
    expect((await cli('token', 'create', '--role', 'officer', '--counter', 'c11')).token).toBeTruthy();
    expect(existsSync(join(dir.path, 'live-config.json'))).toBe(true);
    const audit = await api.call<Audit>('GET', '/api/audit?limit=5', technician);
    expect(audit.body.entries[0]).toMatchObject({ actor: 'amina', action: 'config.applied', details: { changed: 'counters' } });
  });

  it('refuses to remove a service with a waiting ticket, with the reason; nothing changes', async () => {
    const issued = await api.issue(kiosk, 'helb');
    expect(issued.status).toBe(201);
    const config = await running();
    config.services = config.services.filter((s) => s.id !== 'helb');
    for (const counter of config.counters) counter.serviceIds = counter.serviceIds.filter((id) => id !== 'helb');
    const answer = await api.call<ErrorBody>('PUT', '/api/config', technician, config);
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('config_refused');
    expect(answer.body.error.message).toContain('service "helb" has 1 waiting ticket(s) today');
    const services = (await api.call<{ services: Array<{ id: string }> }>('GET', '/api/services', null)).body.services.map((s) => s.id);
    expect(services).toContain('helb');
    expect((await api.issue(kiosk, 'helb')).body.ticket.number).toBe('L002');
  });

  it('prints a test page that uses no ticket number; 503 printer_unavailable with the state when out of paper', async () => {
    const before = (await api.issue(kiosk, 'kra')).body.ticket.number;
    expect(await api.call('POST', '/api/printer/test', technician, {})).toMatchObject({ status: 200, body: { printed: true } });
    const printer = await api.call<{ printed: Array<{ number: string | null; test: boolean; lines: string[] }> }>('GET', '/api/printer', technician);
    expect(printer.body.printed[0]).toMatchObject({ number: null, test: true });
    expect(printer.body.printed[0]!.lines).toContain('No ticket number used');
    const after = (await api.issue(kiosk, 'kra')).body.ticket.number;
    expect([before, after]).toEqual(['K001', 'K002']);

    await api.call('POST', '/api/printer/emulator', technician, { state: 'paper_end' });
    const refused = await api.call<ErrorBody>('POST', '/api/printer/test', technician, {});
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({ code: 'printer_unavailable', state: 'paper_end' });
    await api.call('POST', '/api/printer/emulator', technician, { state: 'ready' });
    const audit = await api.call<Audit>('GET', '/api/audit?limit=5', technician);
    expect(audit.body.entries.slice(0, 2).map((e) => [e.action, e.details.printed])).toEqual([
      ['printer.test', false],
      ['printer.test', true],
    ]);
  });

  it('applies a lowered daily cap and new opening hours from the next ticket', async () => {
    const config = await running();
    const kra = config.services.find((s) => s.id === 'kra')!;
    kra.dailyCap = 2; // K001 and K002 are out already
    const helb = config.services.find((s) => s.id === 'helb')!;
    // Open only on a weekday that is not today (Nairobi): closed now, whatever the time.
    const today = new Intl.DateTimeFormat('en', { timeZone: 'Africa/Nairobi', weekday: 'short' }).format(new Date()).toLowerCase();
    helb.openingHours = { days: [today === 'mon' ? 'tue' : 'mon'] };
    expect((await api.call('PUT', '/api/config', technician, config)).body).toMatchObject({ applied: true, changed: ['services'] });
    const refused = await api.issue(kiosk, 'kra');
    expect(refused.status).toBe(409);
    const menu = (await api.call<{ services: Array<{ id: string; capped: boolean; status: string }> }>('GET', '/api/services', null)).body.services;
    expect(menu.find((s) => s.id === 'kra')).toMatchObject({ capped: true });
    expect(menu.find((s) => s.id === 'helb')?.status).toBe('closed');
  });

  it('keeps the applied config across a restart', async () => {
    await hub.kill();
    hub = await spawnHub(args);
    api = new QueueClient(hub.httpPort);
    expect(await counterIds()).toContain('c11');
    expect(hub.stderr()).toContain('live-config.json');
  });
});
