import { afterEach, describe, expect, it } from 'vitest';
import { withDeadline } from '../helpers/deadline.ts';
import { runHubCli, spawnHub, type HubProcess } from '../helpers/hub-process.ts';
import { QueueClient, type Ticket } from '../helpers/queue-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * kill -9 while kiosks are asking for tickets: every ticket a kiosk got an answer for is
 * still there after the restart, the numbers per prefix are still 1..n with no gap and
 * no repeat, the counter's current ticket and the waiting order are kept, and the next
 * number continues the sequence.
 */
describe('queue: SIGKILL mid-load', () => {
  const dir = tempDir('huduma-queue-crash-');
  let hub: HubProcess | null = null;
  afterEach(async () => {
    if (hub) await hub.kill('SIGKILL');
    dir.remove();
  });

  const start = async () => (hub = await spawnHub(['--data-dir', dir.path, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1']));
  const token = async (...args: string[]) => JSON.parse((await runHubCli(['token', 'create', ...args, '--data-dir', dir.path])).stdout).token as string;

  it('keeps the day’s queue and every answered ticket across kill -9', async () => {
    let running = await start();
    const kiosk = await token('--role', 'kiosk');
    const officer = await token('--role', 'officer', '--counter', 'c01');
    let api = new QueueClient(running.httpPort);
    for (let i = 0; i < 6; i++) expect((await api.issue(kiosk, 'id-duplicate')).status).toBe(201);
    const current = (await api.counter(officer, 'c01', 'call-next')).body.ticket!;
    expect(current.number).toBe('A001');

    // Kiosks keep asking; the hub is killed once 40 of 120 requests have been answered.
    const answered: Ticket[] = [];
    // Assigned in a callback: `as` keeps TypeScript from narrowing it to null below.
    let killed = null as Promise<unknown> | null;
    const requests = Array.from({ length: 120 }, (_, i) =>
      api.issue(kiosk, i % 2 ? 'id-new' : 'id-duplicate').then(
        (answer) => {
          if (answer.status === 201) answered.push(answer.body.ticket);
          if (answered.length === 40 && !killed) killed = running.kill('SIGKILL');
        },
        () => undefined, // the connection died with the hub: that kiosk got no number
      ),
    );
    await withDeadline(Promise.all(requests), 20_000, '120 kiosk ticket requests to be answered or cut off');
    expect(await killed).toBe('SIGKILL');
    expect(answered.length).toBeGreaterThanOrEqual(40);
    expect(answered.length).toBeLessThan(120); // killed mid-load, not after

    running = await start();
    api = new QueueClient(running.httpPort);
    for (const ticket of answered) expect((await api.call<{ ticket: Ticket }>('GET', `/api/tickets/${ticket.id}`, kiosk)).body.ticket.number).toBe(ticket.number);
    const counters = await api.call<{ counters: Array<{ id: string; current: Ticket | null }> }>('GET', '/api/counters', null);
    expect(counters.body.counters.find((c) => c.id === 'c01')!.current).toMatchObject({ id: current.id, status: 'called' });

    // Numbers held after the crash: 1..n per prefix, no gap, no repeat; the next continues.
    for (const [service, prefix] of [['id-duplicate', 'A'], ['id-new', 'B']] as const) {
      const next = (await api.issue(kiosk, service)).body.ticket.number;
      const n = Number(next.slice(1));
      const held = await withDeadline(Promise.all(Array.from({ length: n - 1 }, (_, i) => api.call<{ ticket: Ticket }>('GET', `/api/tickets/${current.id.slice(0, 9)}${prefix}${String(i + 1).padStart(3, '0')}`, kiosk))), 15_000, `tickets ${prefix}001..${prefix}${n - 1} to be read back`);
      expect(held.map((h) => h.status)).toEqual(Array(n - 1).fill(200));
      expect(n - 1).toBeGreaterThanOrEqual(answered.filter((t) => t.number.startsWith(prefix)).length + (prefix === 'A' ? 6 : 0));
    }
    // Waiting order survives: c01 (A and B services) calls the oldest waiting ticket next.
    const next = (await api.counter(officer, 'c01', 'call-next')).body.ticket!;
    expect(next.number).toBe('A002');
  });
});
