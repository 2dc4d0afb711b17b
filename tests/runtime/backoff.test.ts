import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { doublingDelayMs, doublingSchedule, ExponentialBackoff } from '../../runtime/backoff.ts';

describe('ExponentialBackoff', () => {
  it('doubles from the initial wait up to the cap; reset starts over; skip counts a failure without a wait', () => {
    const exact = new ExponentialBackoff({ initialMs: 100, maxMs: 1000, jitter: 'none' });
    expect([exact.next(), exact.next(), exact.next(), exact.next(), exact.next()]).toEqual([100, 200, 400, 800, 1000]);
    exact.reset();
    exact.skip();
    expect(exact.attempts).toBe(1);
    expect(exact.next()).toBe(200);
  });

  it('property: with equal jitter every wait lies in [ceiling/2, ceiling]', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 100_000 }), fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 40 }), (initialMs, maxMs, randoms) => {
      let i = 0;
      const backoff = new ExponentialBackoff({ initialMs, maxMs, random: () => randoms[i % randoms.length]! });
      randoms.forEach((_, n) => {
        i = n;
        const ceiling = Math.min(maxMs, initialMs * 2 ** n);
        const wait = backoff.next();
        expect(wait).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(wait).toBeLessThanOrEqual(ceiling);
      });
    }));
  });
});

describe('doubling delays', () => {
  it('doubles from the first wait and stops at the cap, the list ending on it', () => {
    expect(doublingSchedule(500, 10_000)).toEqual([500, 1000, 2000, 4000, 8000, 10_000]);
    expect(doublingSchedule(300, 200)).toEqual([200]);
    expect([0, 1, 2, 3, 40].map((attempt) => doublingDelayMs(attempt, 250, 1500))).toEqual([250, 500, 1000, 1500, 1500]);
  });
});
