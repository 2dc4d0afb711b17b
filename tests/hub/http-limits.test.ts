import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../runtime/clock.ts';
import { FairShareQuota } from '../../hub/http/limits/fair-share.ts';
import { nestingExceeds } from '../../hub/http/limits/json-body.ts';
import { LoginThrottle } from '../../hub/http/limits/login-throttle.ts';
import { HttpRefusals } from '../../hub/http/limits/refusals.ts';
import { capturingLogger } from '../helpers/log-capture.ts';

/** The pure parts of the HTTP limits (docs/security.md); the attacks on a running hub are tests/e2e/http-exhaustion.test.ts. */
describe('FairShareQuota', () => {
  it('caps each address, and when full lets a newcomer holding less take the biggest holder\'s oldest place', () => {
    const quota = new FairShareQuota<string>({ perAddress: 3, total: 5 });
    for (const item of ['a1', 'a2', 'a3']) expect(quota.admit('A', item)).toEqual({ admitted: true, evicted: null });
    expect(quota.admit('A', 'a4')).toEqual({ admitted: false, reason: 'per_address' });
    expect(quota.admit('B', 'b1')).toEqual({ admitted: true, evicted: null });
    expect(quota.admit('B', 'b2')).toEqual({ admitted: true, evicted: null });
    expect(quota.size).toBe(5);
    // Full: the kiosk (holding nothing) gets in; A, the biggest holder, gives up its oldest.
    expect(quota.admit('K', 'k1')).toEqual({ admitted: true, evicted: { address: 'A', item: 'a1' } });
    expect(quota.release('A', 'a1')).toBe(false); // already released by the eviction
    expect([quota.heldBy('A'), quota.heldBy('B'), quota.heldBy('K'), quota.size]).toEqual([2, 2, 1, 5]);
    // B holding 2 cannot take from A holding 2: equal holders never trade places.
    expect(quota.admit('B', 'b3')).toEqual({ admitted: false, reason: 'total' });
    expect(quota.release('K', 'k1')).toBe(true);
    expect(quota.admit('B', 'b3')).toEqual({ admitted: true, evicted: null });
    expect(quota.addresses).toBe(2);
  });
});

describe('LoginThrottle', () => {
  it('takes a place before the hash, counts only failures, and frees the address when its oldest failure leaves the window', () => {
    const clock = new ManualClock(Date.parse('2026-12-07T08:00:00Z'));
    const throttle = new LoginThrottle({ maxFailures: 3, windowMs: 15 * 60_000 }, clock);
    const a = throttle.reserve('10.0.0.9');
    const b = throttle.reserve('10.0.0.9');
    const c = throttle.reserve('10.0.0.9');
    // Three in flight: a fourth concurrent attempt is refused before it costs a hash.
    expect(throttle.reserve('10.0.0.9')).toEqual({ ok: false, retryAfterMs: 1000 });
    if (!a.ok || !b.ok || !c.ok) throw new Error('expected places');
    a.attempt.done('succeeded');
    b.attempt.done('not_counted');
    c.attempt.done('failed');
    c.attempt.done('failed'); // settling twice changes nothing
    expect(throttle.check('10.0.0.9')).toEqual({ ok: true });
    clock.advance(60_000);
    for (let i = 0; i < 2; i++) {
      const next = throttle.reserve('10.0.0.9');
      if (!next.ok) throw new Error('expected a place');
      next.attempt.done('failed');
    }
    // The first failure leaves the window 14 minutes from now.
    expect(throttle.check('10.0.0.9')).toEqual({ ok: false, retryAfterMs: 14 * 60_000 });
    expect(throttle.check('10.0.0.10')).toEqual({ ok: true });
    clock.advance(14 * 60_000);
    expect(throttle.check('10.0.0.9')).toEqual({ ok: true });
  });
});

describe('JSON nesting', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(nestingExceeds('{"a":[[1]]}', 3)).toBe(false);
    expect(nestingExceeds('{"a":[[[1]]]}', 3)).toBe(true);
    expect(nestingExceeds('{"a":"[[[[[[\\"[[[["}', 1)).toBe(false);
    expect(nestingExceeds('['.repeat(100_000), 16)).toBe(true);
  });
});

describe('HttpRefusals', () => {
  it('counts every refusal but logs one bounded summary a minute, whatever the attacker sends', () => {
    const clock = new ManualClock(Date.parse('2026-12-07T08:00:00Z'));
    const logs = capturingLogger();
    const refusals = new HttpRefusals({ clock, log: logs.log });
    for (let i = 0; i < 20_000; i++) refusals.count(i % 2 ? 'unauthorized' : 'streams_per_address', `10.${Math.floor(i / 250) % 250}.${i % 250}.${'9'.repeat(i % 3 ? 1 : 500)}`);
    expect(logs.lines()).toEqual([]);
    clock.advance(60_000);
    const lines = logs.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, refused: { unauthorized: 10_000, streams_per_address: 10_000 }, addresses: 1000 });
    expect((lines[0]!.top as unknown[]).length).toBe(5);
    expect(logs.text().length).toBeLessThan(2000);
    clock.advance(60_000);
    expect(logs.lines()).toHaveLength(1); // nothing new, nothing logged
    expect(refusals.totals()).toEqual({ streams_per_address: 10_000, unauthorized: 10_000 });
    refusals.stop();
  });
});
