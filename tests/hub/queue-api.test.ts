import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../runtime/clock.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { outboxEvents, QueueClient, tokensFor, type Ticket } from '../helpers/queue-client.ts';

const COUNTERS = ['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08', 'c09', 'c10'];
let fixture: HubFixture | null = null;
afterEach(async () => {
  await fixture?.stop();
  fixture = null;
});

async function hub(clock?: ManualClock) {
  fixture = await startHub(clock ? { clock } : {});
  return { fixture, api: new QueueClient(fixture.ports.http), tokens: tokensFor(fixture, COUNTERS) };
}

const digits = (number: string) => Number(number.replace(/^[A-Z]+/, ''));

describe('queue API (process contract)', () => {
  it('issues 500 concurrent tickets across services with unique, gap-free numbers per prefix', async () => {
    const { api, tokens, fixture } = await hub();
    const services = ['id-duplicate', 'id-new', 'good-conduct', 'birth-cert', 'kra'];
    const answers = await Promise.all(Array.from({ length: 500 }, (_, i) => api.issue(tokens.kiosk, services[i % services.length]!)));
    expect(answers.map((a) => a.status)).toEqual(Array(500).fill(201));
    const byPrefix = new Map<string, number[]>();
    for (const { body } of answers) {
      const prefix = body.ticket.number.replace(/\d+$/, '');
      byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), digits(body.ticket.number)]);
    }
    expect([...byPrefix.keys()].sort()).toEqual(['A', 'B', 'C', 'E', 'K']);
    for (const numbers of byPrefix.values()) expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(new Set(answers.map((a) => a.body.ticket.id)).size).toBe(500);
    // Each ticket is in the outbox once, and printed once.
    expect(outboxEvents(fixture.dataDir, 'ticket.issued')).toHaveLength(500);
    expect(fixture.admin.queue.printerEmulator!.printed.length).toBe(50); // the emulator keeps the last 50
  });

  it('two counters calling at once never get the same ticket, and 204 when nothing waits', async () => {
    const { api, tokens } = await hub();
    for (let i = 0; i < 40; i++) expect((await api.issue(tokens.kiosk, i % 2 ? 'id-new' : 'id-duplicate')).status).toBe(201);
    const called: string[] = [];
    for (let round = 0; round < 25; round++) {
      const [a, b] = await Promise.all([api.counter(tokens.officer('c01'), 'c01', 'call-next'), api.counter(tokens.officer('c02'), 'c02', 'call-next')]);
      for (const answer of [a, b]) {
        if (answer.status === 200) called.push(answer.body.ticket!.id);
        else expect(answer.status).toBe(204);
      }
    }
    expect(called).toHaveLength(40);
    expect(new Set(called).size).toBe(40);
  });

  it('lists services and counters, and refuses callers without the right token', async () => {
    const { api, tokens } = await hub();
    const services = await api.call<{ services: Array<{ id: string; prefix: string; names: { en: string; sw: string }; status: string }> }>('GET', '/api/services', null);
    expect(services.status).toBe(200);
    expect(services.body.services.find((s) => s.id === 'id-duplicate')).toMatchObject({ prefix: 'A', status: 'open', names: { en: 'Replacement of lost ID', sw: 'Kitambulisho kilichopotea au kuharibika' } });
    const counters = await api.call<{ counters: Array<{ id: string; serviceIds: string[]; state: string }> }>('GET', '/api/counters', null);
    expect(counters.body.counters.map((c) => c.id)).toEqual(COUNTERS);
    expect(counters.body.counters.every((c) => c.state === 'open')).toBe(true);
    expect((await api.issue('', 'kra')).status).toBe(401);
    expect((await api.counter(tokens.kiosk, 'c01', 'call-next')).status).toBe(403);
    const foreign = await api.counter(tokens.officer('c02'), 'c01', 'call-next');
    expect(foreign.status).toBe(403);
    expect((await api.counter(tokens.manager, 'c01', 'call-next')).status).toBe(204);
    const bad = await api.call<{ error: { code: string; message: string } }>('POST', '/api/tickets', tokens.kiosk, { serviceId: 'kra', category: 'vip' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('category');
    expect((await api.issue(tokens.kiosk, 'no-such-service')).body.error!.code).toBe('unknown_service');
  });

  it('hands out no number while the printer cannot print, and continues the sequence after', async () => {
    const { api, tokens, fixture } = await hub();
    const printer = fixture.admin.queue.printerEmulator!;
    expect((await api.issue(tokens.kiosk, 'kra')).body.ticket.number).toBe('K001');
    for (const state of ['paper_end', 'cover_open', 'offline'] as const) {
      printer.setState(state);
      const refused = await api.issue(tokens.kiosk, 'kra');
      expect(refused.status).toBe(503);
      expect(refused.body.error).toMatchObject({ code: 'printer_unavailable', messages: { en: expect.stringContaining('printer'), sw: expect.stringContaining('Printa') } });
      const health = await api.call<{ status: string; problems: string[]; queue: { printer: { state: string } } }>('GET', '/health', null);
      expect(health.body.queue.printer.state).toBe(state);
      expect(health.body.problems.join(' ')).toContain('ticket printer');
      const metrics = await (await fetch(`${api.base}/metrics`)).text();
      expect(metrics).toContain(`huduma_printer_state{state="${state}"} 1`);
    }
    printer.setState('paper_near_end');
    expect((await api.issue(tokens.kiosk, 'kra')).body.ticket.number).toBe('K002');
    expect(outboxEvents(fixture.dataDir, 'ticket.issued').map((e) => e.number)).toEqual(['K001', 'K002']);
    expect(printer.printed.map((p) => p.number)).toEqual(['K001', 'K002']);
    expect(printer.printed[1]!.lines.join('\n')).toMatch(/KRA PIN[\s\S]*K002[\s\S]*QR:\d{8}-K002/);
  });

  it('says why a service is suspended, in both languages, and issues again once resumed', async () => {
    const { api, tokens } = await hub();
    const message = { en: 'KRA systems are down. Please come back later.', sw: 'Mifumo ya KRA haifanyi kazi. Tafadhali rudi baadaye.' };
    expect((await api.call('POST', '/api/services/kra/suspend', tokens.kiosk, { message })).status).toBe(403);
    expect((await api.call('POST', '/api/services/kra/suspend', tokens.manager, { message })).status).toBe(200);
    const refused = await api.issue(tokens.kiosk, 'kra');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'service_suspended', messages: message });
    const listed = await api.call<{ services: Array<{ id: string; status: string; message: unknown }> }>('GET', '/api/services', null);
    expect(listed.body.services.find((s) => s.id === 'kra')).toMatchObject({ status: 'suspended', message });
    expect((await api.call('POST', '/api/services/kra/resume', tokens.manager)).status).toBe(200);
    expect((await api.issue(tokens.kiosk, 'kra')).status).toBe(201);
  });

  it('numbers restart at local midnight (Africa/Nairobi), on the injected clock', async () => {
    const clock = new ManualClock(Date.parse('2026-12-05T20:58:00Z')); // 23:58 in Nairobi
    const { api, tokens } = await hub(clock);
    expect((await api.issue(tokens.kiosk, 'kra')).body.ticket).toMatchObject({ number: 'K001', id: '20261205-K001' });
    expect((await api.issue(tokens.kiosk, 'kra')).body.ticket.number).toBe('K002');
    clock.advance(2 * 60_000); // 00:00 on the 6th
    const next = (await api.issue(tokens.kiosk, 'kra')).body.ticket;
    expect(next).toMatchObject({ number: 'K001', id: '20261206-K001', peopleAhead: 0 });
    // Yesterday's waiting tickets are not called today.
    const call = await api.counter(tokens.officer('c06'), 'c06', 'call-next');
    expect(call.body.ticket!.id).toBe('20261206-K001');
    expect((await api.counter(tokens.officer('c06'), 'c06', 'call-next')).status).toBe(204);
  });

  it('runs a counter through its buttons with the rules: recall limit, no-show, transfer, pause', async () => {
    const { api, tokens, fixture } = await hub();
    const officer = tokens.officer('c03');
    const first = (await api.issue(tokens.kiosk, 'good-conduct')).body.ticket as Ticket;
    await api.issue(tokens.kiosk, 'police-abstract');
    expect((await api.counter(officer, 'c03', 'call-next')).body.ticket).toMatchObject({ id: first.id, status: 'called', calls: 1 });
    expect((await api.counter(officer, 'c03', 'no-show')).body.error!.code).toBe('not_enough_calls');
    expect((await api.counter(officer, 'c03', 'recall')).body.ticket!.calls).toBe(2);
    expect((await api.counter(officer, 'c03', 'recall')).body.ticket!.calls).toBe(3);
    expect((await api.counter(officer, 'c03', 'recall')).body.error!.code).toBe('recall_limit');
    expect((await api.counter(officer, 'c03', 'pause', { reason: 'tea' })).body.error!.code).toBe('counter_busy');
    expect((await api.counter(officer, 'c03', 'no-show')).body.ticket).toMatchObject({ id: first.id, status: 'no_show' });
    const second = (await api.counter(officer, 'c03', 'call-next')).body.ticket!;
    expect((await api.counter(officer, 'c03', 'start')).body.ticket!.status).toBe('serving');
    const moved = await api.counter(officer, 'c03', 'transfer', { serviceId: 'kra', reason: 'needs a PIN first' });
    expect(moved.body.ticket).toMatchObject({ id: second.id, number: second.number, serviceId: 'kra', status: 'waiting' });
    expect((await api.counter(tokens.officer('c06'), 'c06', 'call-next')).body.ticket!.id).toBe(second.id);
    expect((await api.counter(officer, 'c03', 'pause', { reason: 'tea' })).status).toBe(200);
    expect((await api.counter(officer, 'c03', 'call-next')).body.error!.code).toBe('counter_not_open');
    const types = ['ticket.called', 'ticket.recalled', 'ticket.no_show', 'ticket.started', 'ticket.transferred', 'counter.paused'];
    expect(types.map((t) => outboxEvents(fixture.dataDir, t).length)).toEqual([3, 2, 1, 1, 1, 1]);
  });
});
