import { afterEach, describe, expect, it } from 'vitest';
import type { QueueSnapshot } from '../../protocol/queue/api.ts';
import { ManualClock } from '../../runtime/clock.ts';
import { LOCKOUT_MS, MAX_FAILURES } from '../../hub/auth/officer-pins.ts';
import { connectDevice, newBootId, publishPress, uptimeSince } from '../helpers/device-client.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { outboxEvents, QueueClient, tokensFor } from '../helpers/queue-client.ts';
import { lanRequest } from '../helpers/lan-client.ts';
import { SseReader } from '../helpers/sse.ts';

const COUNTERS = ['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08', 'c09', 'c10'];
let fixture: HubFixture | null = null;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await fixture?.stop();
  fixture = null;
});

describe('queue, live', () => {
  it('pushes a snapshot at connect and after each change, with the call on the board list', async () => {
    fixture = await startHub();
    const api = new QueueClient(fixture.ports.http);
    const tokens = tokensFor(fixture, COUNTERS);
    const stream = await SseReader.open(`${api.base}/api/queue/stream`);
    cleanups.push(() => stream.close());
    const first = await stream.next<QueueSnapshot>('state', () => true);
    expect(first.centre.id).toBe('demo-centre');
    expect(first.recentCalls).toEqual([]);
    const ticket = (await api.issue(tokens.kiosk, 'passport')).body.ticket;
    const waiting = await stream.next<QueueSnapshot>('state', (s) => s.services.find((x) => x.id === 'passport')!.waiting === 1);
    expect(waiting.services.find((x) => x.id === 'passport')!.estimatedWait).not.toBeNull();
    await api.counter(tokens.officer('c08'), 'c08', 'call-next');
    const called = await stream.next<QueueSnapshot>('state', (s) => s.recentCalls.length > 0);
    expect(called.recentCalls[0]).toMatchObject({ number: ticket.number, counterId: 'c08', counterLabel: '8', calls: 1 });
    expect(called.counters.find((c) => c.id === 'c08')!.current).toMatchObject({ id: ticket.id, status: 'called' });
    await api.counter(tokens.officer('c08'), 'c08', 'recall');
    const recalled = await stream.next<QueueSnapshot>('state', (s) => s.recentCalls[0]?.calls === 2);
    expect(recalled.recentCalls[0]!.number).toBe(ticket.number);
  });

  it('logs an officer in by PIN for one counter, locks out guessing, and ends the session after its hours', async () => {
    const clock = new ManualClock(Date.parse('2026-12-07T06:00:00Z'));
    fixture = await startHub({ clock });
    const api = new QueueClient(fixture.ports.http);
    const { pin } = await fixture.admin.queue.officers.add('wanjiru', 'Wanjiru K.', '4821');
    expect(pin).toBe('4821');
    const login = (p: string, officerId = 'wanjiru') => api.call<{ token: string; name: string; expiresAt: string; error?: { code: string } }>('POST', '/api/officer/login', null, { counterId: 'c05', officerId, pin: p });
    expect((await login('0000', 'nobody')).status).toBe(401);
    const ok = await login('4821');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: 'Wanjiru K.', expiresAt: '2026-12-07T18:00:00.000Z' });
    expect((await api.counter(ok.body.token, 'c05', 'call-next')).status).toBe(204);
    expect((await api.counter(ok.body.token, 'c06', 'call-next')).status).toBe(403);
    for (let i = 0; i < MAX_FAILURES - 1; i++) expect((await login('1111')).status).toBe(401);
    const locked = await login('1111');
    expect(locked.status).toBe(429);
    expect((await login('4821')).body.error!.code).toBe('login_locked'); // even the right PIN, until the lock-out ends
    clock.advance(LOCKOUT_MS);
    expect((await login('4821')).status).toBe(200);
    clock.advance(12 * 3_600_000);
    // On a connection of its own: firing 12 hours of the hub's timers can block the
    // loop past the keep-alive time-out, and a pooled connection would then race the
    // server closing it (ECONNRESET) instead of getting its answer.
    const expired = await lanRequest(fixture.ports.http, { path: '/api/counters/c05/call-next', headers: { authorization: `Bearer ${ok.body.token}` }, body: {} });
    expect(expired.status).toBe(401);
    const stored = fixture.admin.queue.officers.list();
    expect(stored).toEqual([{ officerId: 'wanjiru', name: 'Wanjiru K.', locked: false }]);
  });

  it('ties a feedback press to the ticket served at its counter at the press time', async () => {
    const clock = new ManualClock(Date.parse('2026-12-07T07:00:00Z'));
    fixture = await startHub({ clock });
    const api = new QueueClient(fixture.ports.http);
    const tokens = tokensFor(fixture, COUNTERS);
    const device = await connectDevice(fixture.ports.mqtt, fixture.addDevice('eifd-c04', 'c04'));
    cleanups.push(() => device.endAsync());
    const boot = newBootId();
    const uptime = uptimeSince(1_000, () => clock.now());
    let seq = 0;
    const press = async () => {
      seq++;
      // Pressed as sent, on the hub's (manual) clock.
      await publishPress(device, 'demo-centre', 'eifd-c04', { seq, boot, rating: 4, upMs: uptime(), sentUpMs: uptime() });
    };
    await press(); // nobody served yet
    const ticket = (await api.issue(tokens.kiosk, 'birth-cert')).body.ticket;
    await api.counter(tokens.officer('c04'), 'c04', 'call-next');
    clock.advance(60_000);
    await press(); // while served
    await api.counter(tokens.officer('c04'), 'c04', 'finish');
    clock.advance(60_000);
    await press(); // just after: within the grace
    clock.advance(5 * 60_000);
    await press(); // long after
    const presses = outboxEvents(fixture.dataDir, 'feedback.pressed');
    expect(presses.map((p) => p.ticketId)).toEqual([null, ticket.id, ticket.id, null]);
    expect(presses.map((p) => p.serviceId)).toEqual([null, 'birth-cert', 'birth-cert', null]);
    const recent = await api.call<{ presses: Array<{ ticketId: string | null }> }>('GET', '/api/feedback/recent?limit=4', tokens.technician);
    expect(recent.body.presses.map((p) => p.ticketId)).toEqual([null, ticket.id, ticket.id, null]);
  });
});
