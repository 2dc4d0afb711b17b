import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCentreConfig } from '../helpers/config-file.ts';
import { runHubCli, spawnHub, waitUntil, type HubProcess } from '../helpers/hub-process.ts';
import { lanAddress, lanRequest, type LanAnswer } from '../helpers/lan-client.ts';
import { SseReader } from '../helpers/sse.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * Issue 12, item 3 and 7 (docs/security.md, "officer lock-out"; docs/queue.md, "Signing
 * in at a counter"), against a running hub process: guessing PINs from one address and
 * from many, concurrently, while the legitimate officers, the kiosk and /health go on.
 * The officer lock-out is configured short (http.login.officerLockoutMs) so the test can
 * see it pass by polling, never sleeping.
 */
const LOCKOUT_MS = 10_000;

describe('officer sign-in under attack (a running hub, clients on many LAN addresses)', () => {
  const dir = tempDir('huduma-login-attack-');
  let hub: HubProcess;
  let port: number;
  let kiosk: string;
  let manager: string;
  const figures: Record<string, unknown> = {};

  const cli = async (...args: string[]) => {
    const result = await runHubCli([...args, '--data-dir', dir.path]);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Record<string, string>;
  };
  const login = (from: string, officerId: string, pin: string, counterId = 'c05') => lanRequest(port, { from, path: '/api/officer/login', body: { counterId, officerId, pin } });
  const pinHashes = async () => (await lanRequest(port, { path: '/health' })).json.http.pinHashes as number;
  const tally = (answers: LanAnswer[]) => {
    const counts: Record<string, number> = {};
    for (const a of answers) counts[`${a.status} ${a.json?.error?.code ?? 'ok'}`] = (counts[`${a.status} ${a.json?.error?.code ?? 'ok'}`] ?? 0) + 1;
    return counts;
  };

  beforeAll(async () => {
    const config = writeCentreConfig(dir.path, { http: { login: { officerLockoutMs: LOCKOUT_MS } } });
    await cli('officer', 'add', 'wanjiru', '--name', 'Wanjiru K.', '--pin', '4821');
    await cli('officer', 'add', 'otieno', '--name', 'Otieno A.', '--pin', '1357');
    await cli('officer', 'add', 'kamau', '--name', 'Kamau J.', '--pin', '2468');
    await cli('officer', 'add', 'achieng', '--name', 'Achieng O.', '--pin', '8642');
    kiosk = (await cli('token', 'create', '--role', 'kiosk')).token!;
    manager = (await cli('token', 'create', '--role', 'manager')).token!;
    hub = await spawnHub(['--config', config, '--data-dir', dir.path, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1']);
    port = hub.httpPort;
  });

  afterAll(async () => {
    await hub?.kill();
    dir.remove();
    console.log(`officer sign-in attack figures: ${JSON.stringify(figures)}`);
  });

  it('200 concurrent wrong PINs from 40 addresses: at most 5 reach the hash; the right PIN waits out the lock-out; others sign in meanwhile', async () => {
    const before = await pinHashes();
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => login(lanAddress(i % 40), 'wanjiru', String(100_000 + i))));
    figures.attackMs = Math.round(performance.now() - started);
    const hashed = (await pinHashes()) - before;
    figures.concurrentGuesses = { sent: 200, hashed, answers: tally(answers) };
    expect(hashed).toBeGreaterThan(0);
    expect(hashed).toBeLessThanOrEqual(5);
    expect(answers.every((a) => (a.status === 401 && a.json.error.code === 'invalid_pin') || (a.status === 429 && a.json.error.code === 'login_locked'))).toBe(true);
    expect(answers.filter((a) => a.status === 401).length).toBeLessThan(5);
    const locked = answers.find((a) => a.status === 429)!;
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(locked.json.error.message).toMatch(/officer unlock wanjiru/);

    // The right PIN, from yet another address: still refused, without a hash.
    const right = await login(lanAddress(100), 'wanjiru', '4821');
    expect(right.status).toBe(429);
    expect(right.json.error.code).toBe('login_locked');

    // Meanwhile the centre works: another officer signs in from the console's address,
    // the kiosk issues a ticket, /health answers.
    const other = await login('127.0.0.1', 'otieno', '1357', 'c06');
    expect(other.status).toBe(200);
    expect(other.json).toMatchObject({ officerId: 'otieno', name: 'Otieno A.', counterId: 'c06' });
    const ticket = await lanRequest(port, { path: '/api/tickets', headers: { authorization: `Bearer ${kiosk}` }, body: { serviceId: 'kra' } });
    expect(ticket.status).toBe(201);
    expect((await lanRequest(port, { path: '/health' })).status).toBe(200);
    figures.duringLockout = { otherOfficerLoginMs: Math.round(other.ms), kioskTicketMs: Math.round(ticket.ms) };

    // The lock-out passes (polled): the right PIN gets in, with no more hashes than it needs.
    const beforeRight = await pinHashes();
    const waited = performance.now();
    const ok = await waitUntil(() => login(lanAddress(101), 'wanjiru', '4821'), (a) => a.status === 200, 'the lock-out to pass', LOCKOUT_MS + 15_000);
    figures.lockoutPassedAfterMs = Math.round(performance.now() - waited);
    expect(ok.json).toMatchObject({ officerId: 'wanjiru', counterId: 'c05' });
    expect((await pinHashes()) - beforeRight).toBe(1);
  });

  it('one address is throttled after 10 failed sign-ins across officers, and its further guesses never count against an officer', async () => {
    const attacker = lanAddress(150);
    const before = await pinHashes();
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => login(attacker, `nobody-${i}`, '0000')));
    const hashed = (await pinHashes()) - before;
    figures.oneAddress = { sent: 200, hashed, answers: tally(answers) };
    expect(hashed).toBe(10);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(10);
    const throttled = answers.filter((a) => a.status === 429);
    expect(throttled).toHaveLength(190);
    // Refused while the first 10 were still being hashed: "retry in a second"; after, until the oldest failure leaves the 15-minute window.
    expect(throttled.every((a) => a.json.error.code === 'too_many_attempts' && Number(a.headers['retry-after']) >= 1)).toBe(true);

    // Guesses at a real officer from the throttled address: refused before the body is read, kamau is not touched.
    const atKamau = await Promise.all(Array.from({ length: 20 }, (_, i) => login(attacker, 'kamau', String(5000 + i), 'c07')));
    expect(atKamau.every((a) => a.status === 429 && a.json.error.code === 'too_many_attempts' && Number(a.headers['retry-after']) > 800)).toBe(true);
    expect(atKamau[0]!.json.error.message).toMatch(/try again in 15 min/);
    expect((await pinHashes()) - before).toBe(10);
    const kamau = await login(lanAddress(151), 'kamau', '2468', 'c07');
    expect(kamau.status).toBe(200);
  });

  it('a counter held by one officer refuses another (409 counter_taken) until the holder signs out or a manager releases it; no officer ids in public views', async () => {
    // otieno holds c06 since the first test.
    const taken = await login(lanAddress(160), 'kamau', '2468', 'c06');
    expect(taken.status).toBe(409);
    expect(taken.json.error.code).toBe('counter_taken');
    expect(taken.json.error.message).toMatch(/signed in by Otieno A\. until \d\d:\d\d.*POST \/api\/counters\/c06\/release/);
    expect(taken.json.error.messages.en).toMatch(/^Counter 6 is in use by Otieno A\./);
    expect(taken.json.error.messages.sw).toMatch(/^Kaunta 6 inatumiwa na Otieno A\./);

    // The holder may sign in again (a second tab); signing out ends both, and the counter is free.
    const again = await login(lanAddress(161), 'otieno', '1357', 'c06');
    expect(again.status).toBe(200);
    const opened = await lanRequest(port, { path: '/api/counters/c06/open', headers: { authorization: `Bearer ${again.json.token}` }, body: {} });
    expect(opened.status).toBe(200);

    // The public views: no officer id anywhere (the console knows its own officer from the login).
    const counters = await lanRequest(port, { from: lanAddress(162), path: '/api/counters' });
    expect(counters.text).not.toMatch(/officerId|otieno|wanjiru|kamau/);
    const stream = await SseReader.open(`http://127.0.0.1:${port}/api/queue/stream`);
    try {
      const snapshot = await stream.next<Record<string, unknown>>('state', () => true);
      expect(JSON.stringify(snapshot)).not.toMatch(/officerId|otieno|wanjiru|kamau/);
    } finally {
      stream.close();
    }

    const out = await lanRequest(port, { path: '/api/officer/logout', headers: { authorization: `Bearer ${again.json.token}` }, body: {} });
    expect(out.json).toEqual({ revoked: true });
    const kamau = await login(lanAddress(160), 'kamau', '2468', 'c06');
    expect(kamau.status).toBe(200);
    expect((await login(lanAddress(161), 'otieno', '1357', 'c06')).json.error.code).toBe('counter_taken');

    // A manager releases the counter: kamau's session ends, otieno gets in.
    expect((await lanRequest(port, { path: '/api/counters/c06/release', headers: { authorization: `Bearer ${kamau.json.token}` }, body: {} })).status).toBe(403);
    const released = await lanRequest(port, { path: '/api/counters/c06/release', headers: { authorization: `Bearer ${manager}` }, body: {} });
    expect(released.json).toEqual({ counterId: 'c06', released: 1 });
    expect((await lanRequest(port, { path: '/api/counters/c06/call-next', headers: { authorization: `Bearer ${kamau.json.token}` }, body: {} })).status).toBe(401);
    expect((await login(lanAddress(161), 'otieno', '1357', 'c06')).status).toBe(200);
  });

  it('a supervisor lifts a lock-out with `officer unlock` while the hub runs', async () => {
    const guesses = await Promise.all(Array.from({ length: 20 }, (_, i) => login(lanAddress(170 + i), 'achieng', String(7000 + i), 'c08')));
    expect(guesses.filter((a) => a.status === 429).length).toBeGreaterThan(0);
    expect((await cli('officer', 'list')).officers).toContainEqual({ officerId: 'achieng', name: 'Achieng O.', locked: true });
    expect((await login(lanAddress(190), 'achieng', '8642', 'c08')).status).toBe(429);
    expect(await cli('officer', 'unlock', 'achieng')).toEqual({ officerId: 'achieng', wasLocked: true });
    expect((await login(lanAddress(190), 'achieng', '8642', 'c08')).status).toBe(200);
  });
});
