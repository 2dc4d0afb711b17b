import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MONDAY, nairobi, QueueHarness } from './queue-fixture.ts';

let h: QueueHarness;
beforeEach(() => {
  h = new QueueHarness();
});
afterEach(() => h.close());

const at = (clock: string) => `${MONDAY}T${clock}`;
const ms = (clock: string) => nairobi(at(clock)).atMs;
const press = (counterId: string, clock: string, extraMs = 0) => h.engine.ticketForFeedback(counterId, ms(clock) + extraMs);

describe('queue engine: which ticket a feedback press rates', () => {
  it('the ticket at the counter from its call until the grace (120 s) after it finished', () => {
    expect(press('k1', '10:00')).toBeNull();
    h.issue('alpha', at('09:50'));
    h.callNext('k1', at('10:00'));
    expect(press('k1', '09:59:59')).toBeNull();
    expect(press('k1', '10:00')).toEqual({ ticketId: '20261207-A001', serviceId: 'alpha' });
    h.ok({ kind: 'start', counterId: 'k1' }, at('10:02'));
    expect(press('k1', '10:05')).toEqual({ ticketId: '20261207-A001', serviceId: 'alpha' });
    h.ok({ kind: 'finish', counterId: 'k1' }, at('10:10'));
    expect(press('k1', '10:11')).toEqual({ ticketId: '20261207-A001', serviceId: 'alpha' });
    expect(press('k1', '10:12')).toEqual({ ticketId: '20261207-A001', serviceId: 'alpha' });
    expect(press('k1', '10:12', 1)).toBeNull();
    // Another counter's press is not this ticket's.
    expect(press('k2', '10:05')).toBeNull();
  });

  it('across a transfer each counter rates the ticket for the service it gave; the next call takes over', () => {
    h.issue('beta', at('10:50'));
    expect(h.callNext('k2', at('11:00'))).toBe('B001');
    h.ok({ kind: 'transfer', counterId: 'k2', toServiceId: 'alpha', reason: 'wrong service' }, at('11:05'));
    expect(press('k2', '11:06')).toEqual({ ticketId: '20261207-B001', serviceId: 'beta' });
    expect(press('k2', '11:07', 1)).toBeNull();
    expect(h.callNext('k1', at('11:10'))).toBe('B001');
    expect(press('k1', '11:11')).toEqual({ ticketId: '20261207-B001', serviceId: 'alpha' });
    // Next finishes B001 and calls A001 in the same instant: a press from then on rates A001.
    h.issue('alpha', at('11:12'));
    expect(h.callNext('k1', at('11:15'))).toBe('A001');
    expect(press('k1', '11:14')).toEqual({ ticketId: '20261207-B001', serviceId: 'alpha' });
    expect(press('k1', '11:15')).toEqual({ ticketId: '20261207-A001', serviceId: 'alpha' });
    expect(press('k1', '12:00')).toEqual({ ticketId: '20261207-A001', serviceId: 'alpha' });
  });

  it('a no-show ends the visit like a finish', () => {
    h.issue('alpha', at('09:00'));
    h.callNext('k1', at('09:01'));
    h.ok({ kind: 'recall', counterId: 'k1' }, at('09:02'));
    h.ok({ kind: 'no_show', counterId: 'k1' }, at('09:03'));
    expect(press('k1', '09:04')).toEqual({ ticketId: '20261207-A001', serviceId: 'alpha' });
    expect(press('k1', '09:06')).toBeNull();
  });
});
