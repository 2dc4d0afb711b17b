import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CounterState } from '../../protocol/queue/api.ts';
import {
  estimateWaitAtCounters,
  initialServiceTime,
  updateServiceTime,
  type CounterNow,
  type ServiceTimeStats,
} from '../../hub/queue/wait-estimate.ts';

/** Service times in seconds with no spread: the estimate is then exact list scheduling. */
const fixed = (means: Record<string, number>) => (id: string): ServiceTimeStats => ({ meanS: means[id] ?? 300, varS2: 0, samples: 10 });
const free = (...serviceIds: string[]): CounterNow => ({ serviceIds, state: 'open', currentServiceId: null, currentForS: null });

describe('service time', () => {
  it('learns a constant service time: the mean goes to it and the variance to nothing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 10, max: 3600 }), fc.double({ min: 0.05, max: 1, noNaN: true }), (configuredMin, sampleS, alpha) => {
        let stats = initialServiceTime(configuredMin);
        for (let i = 0; i < 400; i++) stats = updateServiceTime(stats, sampleS, alpha);
        expect(stats.samples).toBe(400);
        expect(stats.meanS).toBeCloseTo(sampleS, 3);
        expect(stats.varS2).toBeLessThan(1e-3 * sampleS * sampleS);
      }),
    );
  });
});

describe('estimateWaitAtCounters (counter by counter)', () => {
  it('has no number when no open counter serves the service', () => {
    const counters: CounterNow[] = [
      { ...free('a'), state: 'paused' },
      { ...free('a', 'b'), state: 'closed' },
      free('b'),
    ];
    expect(estimateWaitAtCounters({ serviceId: 'a', ahead: [], counters, stats: fixed({}) })).toBeNull();
  });

  it('quotes under a minute to a ticket with nobody ahead at a free counter', () => {
    expect(estimateWaitAtCounters({ serviceId: 'a', ahead: [], counters: [free('a')], stats: fixed({ a: 300 }) })).toEqual({ lowMin: 0, highMin: 1 });
  });

  it('adds up the service times of the tickets ahead at a single counter', () => {
    // 3 × 5 min: exactly 15 min, quoted 15–16.
    expect(estimateWaitAtCounters({ serviceId: 'a', ahead: ['a', 'a', 'a'], counters: [free('a')], stats: fixed({ a: 300 }) })).toEqual({ lowMin: 15, highMin: 16 });
  });

  it('spreads the range by the standard deviation of the service times queued at the counter', () => {
    // 4 tickets of mean 300 s, sd 150 s: 1200 s ± 1.3 × 300 s = 810–1590 s.
    const stats = (): ServiceTimeStats => ({ meanS: 300, varS2: 150 ** 2, samples: 10 });
    expect(estimateWaitAtCounters({ serviceId: 'a', ahead: ['a', 'a', 'a', 'a'], counters: [free('a')], stats })).toEqual({ lowMin: 13, highMin: 27 });
  });

  it('makes a quiet service wait behind the busy service sharing its counter (first come, first served across services)', () => {
    const stats = fixed({ quiet: 240, busy: 300 });
    // Nobody waits for `quiet`, but the one counter serving it has 4 `busy` tickets to call first.
    expect(estimateWaitAtCounters({ serviceId: 'quiet', ahead: ['busy', 'busy', 'busy', 'busy'], counters: [free('quiet', 'busy')], stats })).toEqual({ lowMin: 20, highMin: 21 });
  });

  it('shares a queue over every counter serving it', () => {
    // 7 tickets of 2 min over 3 free counters: the third round starts at 4 min on the second counter.
    expect(estimateWaitAtCounters({ serviceId: 'a', ahead: Array(7).fill('a'), counters: [free('a'), free('a'), free('a')], stats: fixed({ a: 120 }) })).toEqual({ lowMin: 4, highMin: 5 });
  });

  it('waits for what is left of the ticket at a busy counter, at least a quarter of its mean', () => {
    const busy = (forS: number): CounterNow => ({ serviceIds: ['a'], state: 'open', currentServiceId: 'a', currentForS: forS });
    // 100 s into a 300 s mean: 200 s left.
    expect(estimateWaitAtCounters({ serviceId: 'a', ahead: [], counters: [busy(100)], stats: fixed({ a: 300 }) })).toEqual({ lowMin: 3, highMin: 4 });
    // Beyond its mean: a quarter of the mean (75 s) left.
    expect(estimateWaitAtCounters({ serviceId: 'a', ahead: [], counters: [busy(400)], stats: fixed({ a: 300 }) })).toEqual({ lowMin: 1, highMin: 2 });
  });

  it('hands each ticket ahead to the counter serving it that frees first', () => {
    // c1 (a, b) is free, c2 (b) has 10 min left: the `b` ahead goes to c1, so the `a` waits for it.
    const counters: CounterNow[] = [free('a', 'b'), { serviceIds: ['b'], state: 'open', currentServiceId: 'b', currentForS: 0 }];
    expect(estimateWaitAtCounters({ serviceId: 'a', ahead: ['b'], counters, stats: fixed({ a: 300, b: 600 }) })).toEqual({ lowMin: 10, highMin: 11 });
  });

  it('lets tickets no open counter serves wait without holding anyone up', () => {
    const counters: CounterNow[] = [free('a'), { ...free('a', 'z'), state: 'closed' }];
    expect(estimateWaitAtCounters({ serviceId: 'a', ahead: ['z', 'z', 'z'], counters, stats: fixed({ a: 300, z: 300 }) })).toEqual({ lowMin: 0, highMin: 1 });
  });

  // Random centres: services s0…s3, counters serving random non-empty subsets, any state,
  // some busy; random measured times; random tickets ahead.
  const SERVICES = ['s0', 's1', 's2', 's3'];
  const arbStats = fc.dictionary(fc.constantFrom(...SERVICES), fc.record({ meanS: fc.integer({ min: 30, max: 1800 }), varS2: fc.integer({ min: 0, max: 1800 ** 2 }), samples: fc.nat(50) }));
  const arbCounter = fc
    .record({
      serviceIds: fc.subarray(SERVICES, { minLength: 1 }),
      state: fc.constantFrom<CounterState>('open', 'open', 'open', 'paused', 'closed'),
      busyForS: fc.option(fc.integer({ min: 0, max: 3600 }), { nil: null }),
    })
    .map(({ serviceIds, state, busyForS }): CounterNow => ({ serviceIds, state, currentServiceId: busyForS === null ? null : serviceIds[0]!, currentForS: busyForS }));
  const arbScenario = fc.record({
    serviceId: fc.constantFrom(...SERVICES),
    counters: fc.array(arbCounter, { minLength: 1, maxLength: 6 }),
    ahead: fc.array(fc.constantFrom(...SERVICES), { maxLength: 60 }),
    stats: arbStats,
  });
  const statsOf = (given: Record<string, ServiceTimeStats>) => (id: string) => given[id] ?? initialServiceTime(5);

  it('gives a range of whole minutes, low below high, exactly when an open counter serves the service', () => {
    fc.assert(
      fc.property(arbScenario, ({ serviceId, counters, ahead, stats }) => {
        const quote = estimateWaitAtCounters({ serviceId, ahead, counters, stats: statsOf(stats) });
        const served = counters.some((c) => c.state === 'open' && c.serviceIds.includes(serviceId));
        expect(quote !== null).toBe(served);
        if (quote) {
          expect(Number.isInteger(quote.lowMin) && Number.isInteger(quote.highMin)).toBe(true);
          expect(quote.lowMin).toBeGreaterThanOrEqual(0);
          expect(quote.highMin).toBeGreaterThan(quote.lowMin);
        }
      }),
    );
  });

  it('is not moved by counters and tickets that share no service with the ticket’s counters', () => {
    fc.assert(
      fc.property(
        arbScenario,
        fc.array(fc.subarray(['x0', 'x1', 'x2'], { minLength: 1 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.record({ at: fc.nat(), serviceId: fc.constantFrom('x0', 'x1', 'x2') }), { maxLength: 30 }),
        ({ serviceId, counters, ahead, stats }, otherCounters, otherTickets) => {
          const before = estimateWaitAtCounters({ serviceId, ahead, counters, stats: statsOf(stats) });
          const mixed = [...ahead];
          for (const { at, serviceId: other } of otherTickets) mixed.splice(at % (mixed.length + 1), 0, other);
          const after = estimateWaitAtCounters({ serviceId, ahead: mixed, counters: [...counters, ...otherCounters.map((ids) => free(...ids))], stats: statsOf(stats) });
          expect(after).toEqual(before);
        },
      ),
    );
  });

  it('at a single free counter: the range holds the sum of the means ahead, and one more ticket ahead never lowers its top', () => {
    fc.assert(
      fc.property(arbStats, fc.array(fc.constantFrom(...SERVICES), { maxLength: 60 }), fc.constantFrom(...SERVICES), fc.constantFrom(...SERVICES), (given, ahead, serviceId, extra) => {
        const stats = statsOf(given);
        const counters = [free(...SERVICES)];
        const quote = estimateWaitAtCounters({ serviceId, ahead, counters, stats })!;
        const expectedS = ahead.reduce((sum, id) => sum + stats(id).meanS, 0);
        expect(quote.lowMin * 60).toBeLessThanOrEqual(expectedS);
        expect(quote.highMin * 60).toBeGreaterThanOrEqual(expectedS);
        const longer = estimateWaitAtCounters({ serviceId, ahead: [...ahead, extra], counters, stats })!;
        expect(longer.highMin).toBeGreaterThanOrEqual(quote.highMin);
      }),
    );
  });

  it('over k free counters of one service with fixed times: n tickets ahead wait floor(n / k) rounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.nat(80), fc.integer({ min: 30, max: 900 }), (k, n, meanS) => {
        const quote = estimateWaitAtCounters({ serviceId: 'a', ahead: Array(n).fill('a'), counters: Array.from({ length: k }, () => free('a')), stats: fixed({ a: meanS }) })!;
        const expectedS = Math.floor(n / k) * meanS;
        expect(quote.lowMin).toBe(Math.floor(expectedS / 60));
        expect(quote.highMin).toBe(Math.max(quote.lowMin + 1, Math.ceil(expectedS / 60)));
      }),
    );
  });
});
