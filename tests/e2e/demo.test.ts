import { execFile, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDeadline } from '../helpers/deadline.ts';
import { HUB_BIN, REPO_ROOT, waitUntil } from '../helpers/hub-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';

describe('npm start (the demo centre)', () => {
  const dir = tempDir('huduma-demo-');
  afterAll(() => dir.remove());

  it('runs the hub with simulated devices and a local Secretariat it syncs to, prints the URLs (every press with --verbose), and stops on Ctrl-C', async () => {
    const child = spawn(process.execPath, [HUB_BIN, 'demo', '--data-dir', dir.path, '--http-port', '0', '--secretariat-port', '0', '--devices', '3', '--press-every-ms', '300', '--verbose'], {
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
    // The start page at / links every page with the demo's token and PIN.
    const pin = /PIN (\d{6})/.exec(stdout)![1]!;
    const landing = await (await fetch(`${base}/`)).text();
    expect(landing).toContain(`href="/kiosk#token=${kioskToken}"`);
    expect(landing).toContain(`PIN ${pin}`);
    for (const path of ['/counter', '/board', '/health', '/metrics']) expect(landing).toContain(`href="${path}"`);
    expect(landing).toMatch(/href="http:\/\/127\.0\.0\.1:\d+\/noc"/);
    // The CLI commands it prints work on its data dir.
    expect(stdout).toContain(`CLI commands on this demo need --data-dir ${dir.path}/hub`);
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

describe('npm start, quiet by default and on the same ports after a restart', () => {
  const dir = tempDir('huduma-demo-quiet-');
  const held: Server[] = [];
  beforeAll(async () => {
    // Hold the default ports where nobody else does (mosquitto may have 1883), so every one falls back.
    for (const port of [1883, 8080, 8090]) {
      const server = createServer();
      if (await new Promise<boolean>((resolve) => server.once('error', () => resolve(false)).listen(port, '127.0.0.1', () => resolve(true)))) held.push(server);
    }
  });
  afterAll(() => {
    for (const server of held) server.close();
    dir.remove();
  });

  async function runDemo(): Promise<{ stdout: () => string; stderr: () => string; ports: string[]; stop: () => Promise<number | null> }> {
    const child = spawn(process.execPath, [HUB_BIN, 'demo', '--data-dir', dir.path, '--devices', '2', '--press-every-ms', '200'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk;
        if (stdout.includes('Ctrl-C stops the demo')) resolve();
      });
      void exited.then((code) => reject(new Error(`the demo exited (${code}) before its banner:\n${stderr}`)));
    });
    const ports = [/Health\s+http:\/\/127\.0\.0\.1:(\d+)/, /MQTT broker\s+mqtt:\/\/127\.0\.0\.1:(\d+)/, /NOC page\s+http:\/\/127\.0\.0\.1:(\d+)/].map((re) => re.exec(stdout)![1]!);
    return {
      stdout: () => stdout,
      stderr: () => stderr,
      ports,
      stop: () => {
        child.kill('SIGINT');
        return exited;
      },
    };
  }

  it('prints no line per press or call by default, and comes back on the ports it fell back to', async () => {
    const first = await runDemo();
    expect(first.stdout()).toMatch(/A summary line every minute below \(--verbose prints every press and call\)/);
    expect(first.stdout()).toMatch(/Note: MQTT port 1883 is taken .*kept for this data dir at the next start \(--mqtt-port N chooses\)/);
    // Presses are stored (the hub's health says so) while stdout stays quiet.
    await waitUntil(
      () => fetch(`http://127.0.0.1:${first.ports[0]}/health`).then((r) => r.json() as Promise<{ ingest: { pressesTotal: number }; mqtt: { port: number } }>),
      (h) => h.ingest.pressesTotal >= 5 && h.mqtt.port === Number(first.ports[1]),
      'presses stored by the quiet demo',
    );
    expect(first.stdout()).not.toMatch(/\[eifd-c0\d #\d+|hall board shows/);
    // A second `npm start` on the same data dir says what to do, with flags the demo has,
    // and leaves the first one's ports alone (the restart below checks them).
    const second = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [HUB_BIN, 'demo', '--data-dir', dir.path], { cwd: REPO_ROOT }, (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }));
    });
    expect(second.code).toBe(75);
    expect(second.stderr).toMatch(/Another demo is running on .*: npm start -- --data-dir data\/demo2/);
    expect(await first.stop()).toBe(0);
    // Expected conditions (a sign's PTY not open yet) and a normal Ctrl-C log no stack and no error.
    expect(first.stderr()).not.toMatch(/"stack"|"level":50/);

    const restarted = await runDemo();
    expect(restarted.ports).toEqual(first.ports);
    expect(await restarted.stop()).toBe(0);
  });
});
