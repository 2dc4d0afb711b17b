import { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallView, CounterView, ServiceView } from '../../protocol/queue/api.ts';
import { TicketView } from '../../protocol/queue/ticket.ts';
import { loadHubConfig } from '../../hub/config/load.ts';
import { MONDAY, nairobi, QueueHarness } from './queue-fixture.ts';

let h: QueueHarness;
beforeEach(() => {
  h = new QueueHarness();
});
afterEach(() => h.close());

const at = (clock: string) => `${MONDAY}T${clock}`;
const services = (clock: string) => z.array(ServiceView).parse(h.reader.services(nairobi(at(clock))));
const service = (clock: string, id: string) => services(clock).find((s) => s.id === id)!;

describe('queue reader', () => {
  it('services: status, message, cap, waiting and the estimate for a ticket taken now', () => {
    expect(services('09:00').map((s) => [s.id, s.status, s.message, s.capped, s.waiting, s.estimatedWait, s.targetWaitMin])).toEqual([
      // Nobody waiting and every counter free: called at once.
      ['alpha', 'open', null, false, 0, { lowMin: 0, highMin: 1 }, 20],
      ['beta', 'open', null, false, 0, { lowMin: 0, highMin: 1 }, null],
      // No counter serves gamma: no honest estimate.
      ['gamma', 'open', null, false, 0, null, null],
      ['delta', 'suspended', { en: 'The Delta system is down.', sw: 'Mfumo wa Delta haufanyi kazi.' }, false, 0, null, null],
    ]);
    expect(service('07:00', 'gamma')).toMatchObject({ status: 'closed', message: { en: 'Opens at 08:00', sw: 'Inafunguliwa saa 2 asubuhi (08:00)' }, estimatedWait: null });
    expect(service('17:30', 'gamma').message).toEqual({ en: 'Opens tomorrow at 08:00', sw: 'Inafunguliwa kesho saa 2 asubuhi (08:00)' });

    h.issue('alpha', at('09:00'));
    h.issue('alpha', at('09:01'), 'elderly');
    h.issue('beta', at('09:02'));
    for (const clock of ['09:03', '09:04', '09:05']) h.issue('gamma', at(clock));
    const alpha = service('09:10', 'alpha');
    // In call order the elderly alpha ticket goes to k1, the other alpha one to k2 and
    // beta to k3 (gamma has no counter): a new alpha ticket waits for k1 or k2, one
    // 5-minute service (sd 2.5 min, ±1.3 sd): 1–9 min.
    expect(alpha).toMatchObject({ waiting: 2, estimatedWait: { lowMin: 1, highMin: 9 } });
    expect(service('09:10', 'gamma')).toMatchObject({ status: 'open', capped: true, waiting: 3, message: { en: "Today's tickets for this service are finished. Please book an appointment." } });
    // The next day: nobody waiting, not capped.
    expect(z.array(ServiceView).parse(h.reader.services(nairobi('2026-12-08T09:00'))).map((s) => [s.id, s.waiting, s.capped])).toEqual([
      ['alpha', 0, false],
      ['beta', 0, false],
      ['gamma', 0, false],
      ['delta', 0, false],
    ]);

    // Counters that stop serving change the estimate; with none open it is null.
    h.ok({ kind: 'pause_counter', counterId: 'k3', reason: 'lunch' }, at('09:20'));
    // beta now has only k2, which takes the regular alpha ticket (k1 the elderly one), then the
    // waiting beta ticket: a new one waits 5 + 4 min (sd √(2.5² + 2²) min, ±1.3 sd): 4–14 min.
    expect(service('09:20', 'beta').estimatedWait).toEqual({ lowMin: 4, highMin: 14 });
    h.ok({ kind: 'close_counter', counterId: 'k2' }, at('09:21'));
    expect(service('09:21', 'beta')).toMatchObject({ status: 'open', waiting: 1, estimatedWait: null });
  });

  it('counters: every configured counter, open by default, with state and current ticket, and no officer id (the view is public)', () => {
    expect(z.array(CounterView).parse(h.reader.counters())).toEqual([
      { id: 'k1', label: 'One', serviceIds: ['alpha'], state: 'open', pauseReason: null, current: null },
      { id: 'k2', label: 'Two', serviceIds: ['alpha', 'beta'], state: 'open', pauseReason: null, current: null },
      { id: 'k3', label: 'Three', serviceIds: ['beta'], state: 'open', pauseReason: null, current: null },
    ]);
    h.ok({ kind: 'open_counter', counterId: 'k1', officerId: 'off-1' }, at('09:00'));
    const ticket = h.issue('alpha', at('09:01'));
    h.callNext('k1', at('09:02'));
    h.ok({ kind: 'pause_counter', counterId: 'k3', reason: 'lunch' }, at('09:03'));
    const counters = z.array(CounterView).parse(h.reader.counters());
    expect(counters[0]).not.toHaveProperty('officerId');
    expect(counters[0]).toMatchObject({ state: 'open', current: { ...ticket, status: 'called', counterId: 'k1', calls: 1, calledAt: new Date(nairobi(at('09:02')).atMs).toISOString() } });
    expect(counters[2]).toMatchObject({ state: 'paused', pauseReason: 'lunch', current: null });
  });

  it('recent calls: newest first, a recall moves its ticket to the top with its call count', () => {
    expect(h.reader.recentCalls(8)).toEqual([]);
    h.issue('alpha', at('09:00'));
    h.issue('beta', at('09:00'));
    h.callNext('k1', at('10:00'));
    h.callNext('k3', at('10:01'));
    h.ok({ kind: 'recall', counterId: 'k1' }, at('10:02'));
    const calls = z.array(CallView).parse(h.reader.recentCalls(8));
    expect(calls).toEqual([
      { ticketId: '20261207-A001', number: 'A001', serviceId: 'alpha', counterId: 'k1', counterLabel: 'One', calls: 2, at: new Date(nairobi(at('10:02')).atMs).toISOString() },
      { ticketId: '20261207-B001', number: 'B001', serviceId: 'beta', counterId: 'k3', counterLabel: 'Three', calls: 1, at: new Date(nairobi(at('10:01')).atMs).toISOString() },
    ]);
    expect(h.reader.recentCalls(1).map((c) => [c.number, c.calls])).toEqual([['A001', 2]]);
  });

  it('ticket: the view by id, null when unknown', () => {
    const issued = h.issue('alpha', at('09:00'), 'pregnancy');
    expect(TicketView.parse(h.reader.ticket(issued.id))).toEqual(issued);
    expect(issued).toMatchObject({ id: '20261207-A001', category: 'pregnancy', status: 'waiting', peopleAhead: 0, quotedWait: { lowMin: 0, highMin: 1 }, language: 'en', counterId: null });
    expect(h.reader.ticket('20261207-A999')).toBeNull();
  });

  it('accuracy: quoted against actual waits (issue to first call) of the called tickets of a day', () => {
    expect(h.reader.accuracy(MONDAY)).toEqual({ tickets: 0, maeMin: null, withinRangeShare: null });
    h.ok({ kind: 'pause_counter', counterId: 'k2', reason: 'training' }, at('08:59')); // alpha has only k1
    const first = h.issue('alpha', at('09:00')); // quoted 0–1 (k1 free), called after 1 min: error 0.5, inside
    const second = h.issue('alpha', at('09:00')); // quoted 1–9 (one 5-min service ahead), called after 12 min: error 7, outside
    h.issue('alpha', at('09:00')); // never called: not counted
    expect([first.quotedWait, second.quotedWait]).toEqual([{ lowMin: 0, highMin: 1 }, { lowMin: 1, highMin: 9 }]);
    h.callNext('k1', at('09:01'));
    h.callNext('k1', at('09:12'));
    // A transfer does not restart the wait.
    h.ok({ kind: 'transfer', counterId: 'k1', toServiceId: 'beta', reason: null }, at('09:13'));
    h.callNext('k3', at('09:30'));
    expect(h.reader.accuracy(MONDAY)).toEqual({ tickets: 2, maeMin: 3.75, withinRangeShare: 0.5 });
    expect(h.reader.accuracy('2026-12-08')).toEqual({ tickets: 0, maeMin: null, withinRangeShare: null });
  });

  it('the sample centre: every service open, all ten counters open, a ticket issued and called', () => {
    const { config } = loadHubConfig();
    h.reopen({ services: config.services, counters: config.counters, queue: config.queue });
    const menu = z.array(ServiceView).parse(h.reader.services(nairobi(at('08:00'))));
    expect(menu.length).toBe(config.services.length);
    expect(menu.every((s) => s.status === 'open' && s.estimatedWait !== null)).toBe(true);
    expect(h.reader.counters().map((c) => [c.id, c.state])).toEqual(config.counters.map((c) => [c.id, 'open']));
    expect(h.issue('id-duplicate', at('08:01'), 'elderly').number).toBe('A001');
    expect(h.callNext('c10', at('08:02'))).toBe('A001');
  });
});
