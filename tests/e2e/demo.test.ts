import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { withDeadline } from '../helpers/deadline.ts';
import { HUB_BIN, REPO_ROOT, waitUntil } from '../helpers/hub-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';

describe('npm start (the demo centre)', () => {
  const dir = tempDir('huduma-demo-');
  afterAll(() => dir.remove());

  it('runs the hub with simulated devices and a local Secretariat it syncs to, prints the URLs, and stops on Ctrl-C', async () => {
    const child = spawn(process.execPath, [HUB_BIN, 'demo', '--data-dir', dir.path, '--http-port', '0', '--secretariat-port', '0', '--devices', '3', '--press-every-ms', '300'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stdout = '';
    const pressLines = () => stdout.split('\n').filter((line) => /counter c0\d .*\[eifd-c0\d #\d+/.test(line));
    const sawPresses = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk;
        if (pressLines().length >= 3) resolve();
      });
    });
    await withDeadline(sawPresses, 20_000, 'three press lines on the demo\'s stdout').catch((error: Error) => {
      child.kill('SIGKILL');
      throw new Error(`${error.message}\nstdout so far:\n${stdout}`);
    });
    const healthUrl = /Health\s+(http:\/\/\S+\/health)/.exec(stdout)?.[1];
    expect(healthUrl).toBeDefined();
    expect(stdout).toMatch(/Presses\s+curl -H "Authorization: Bearer [A-Za-z0-9_-]{43}"/);
    const health = await waitUntil(
      () => fetch(healthUrl!).then((r) => r.json() as Promise<{ centreId: string; devices: { total: number; online: number }; ingest: { pressesTotal: number } }>),
      (h) => h.devices.online === 3,
      'the simulated devices to report online',
    );
    expect(health.centreId).toBe('demo-centre');
    expect(health.devices.total).toBe(3);
    expect(health.ingest.pressesTotal).toBeGreaterThanOrEqual(3);

    // The hub syncs to the local Secretariat, whose NOC page and API the demo prints.
    const noc = /NOC page\s+(http:\/\/\S+)\/noc/.exec(stdout)?.[1];
    expect(noc).toBeDefined();
    expect((await withDeadline(fetch(`${noc}/noc`), 10_000, 'the NOC page')).headers.get('content-type')).toMatch(/text\/html/);
    const centre = await waitUntil(
      () => fetch(`${noc}/api/centres/demo-centre`).then((r) => r.json() as Promise<{ eventsByType: Record<string, number>; heartbeat: unknown }>),
      (c) => (c.eventsByType['feedback.pressed'] ?? 0) >= 3 && c.heartbeat !== null,
      'the presses and a heartbeat to reach the local Secretariat',
    );
    expect(centre.eventsByType['feedback.pressed']).toBeGreaterThanOrEqual(3);

    // The queue: the kiosk URL carries a working kiosk token, the board and console pages
    // load, and the simulated hall issues and calls real tickets.
    const kiosk = /Kiosk\s+(http:\/\/\S+)\/kiosk#token=([A-Za-z0-9_-]{43})/.exec(stdout);
    expect(kiosk).not.toBeNull();
    const [, base, kioskToken] = kiosk!;
    expect(stdout).toMatch(/Counter\s+http:\/\/\S+\/counter\s+\(officer demo-officer, PIN \d{6}/);
    for (const page of ['/kiosk', '/counter', '/board']) expect((await withDeadline(fetch(`${base}${page}`), 10_000, `the ${page} page`)).headers.get('content-type')).toMatch(/text\/html/);
    const issued = await withDeadline(
      fetch(`${base}/api/tickets`, { method: 'POST', headers: { authorization: `Bearer ${kioskToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ serviceId: 'kra' }) }),
      10_000,
      'a kiosk ticket from the demo hub',
    );
    expect(issued.status).toBe(201);
    await waitUntil(
      () => fetch(`${noc}/api/centres/demo-centre`).then((r) => r.json() as Promise<{ eventsByType: Record<string, number> }>),
      (c) => (c.eventsByType['ticket.issued'] ?? 0) >= 1,
      'ticket events to reach the local Secretariat',
    );

    // The emulated LED hall board (Alpha, on a PTY) shows the simulated hall's calls.
    expect(stdout).toMatch(/Emulated\s+hall board \(Alpha, /);
    await waitUntil(async () => stdout, (text) => /hall board shows\s+[A-Z]+\d{3} -> \d+/.test(text), 'a call on the emulated hall board');

    child.kill('SIGINT');
    expect(await withDeadline(exited, 15_000, 'the demo to exit after SIGINT')).toBe(0);
    expect(stdout).toMatch(/Stopping the demo centre/);
  });
});
