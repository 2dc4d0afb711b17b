import { describe, expect, it } from 'vitest';
import { clientKey } from '../../secretariat/http/client-address.ts';
import { IntakeGate } from '../../secretariat/http/intake-gate.ts';
import { DEFAULT_INTAKE_LIMITS, requestTimeoutMs } from '../../secretariat/http/intake-limits.ts';
import { UploadWatch, type StallReason } from '../../secretariat/http/upload-watch.ts';

const MIB = 1024 * 1024;

describe('IntakeGate', () => {
  const gate = () => new IntakeGate({ ...DEFAULT_INTAKE_LIMITS, maxUnverifiedBodies: 5, maxUnverifiedPerAddress: 2, maxUnverifiedBytes: 10 * MIB, maxInFlightPerCentre: 2 }, { now: () => 0 });

  it('caps unverified bodies per address (429), in all and in bytes (503), and gives back what is released', () => {
    const g = gate();
    const a1 = g.enterUnverified('10.0.0.1', 4 * MIB);
    const a2 = g.enterUnverified('10.0.0.1', MIB);
    const a3 = g.enterUnverified('10.0.0.1', MIB);
    expect([a1.ok, a2.ok, a3.ok]).toEqual([true, true, false]);
    if (!a3.ok) {
      expect(a3.refusal).toMatchObject({ statusCode: 429, code: 'rate_limited', reason: 'per_address' });
      expect(Number(a3.refusal.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    const big = g.enterUnverified('10.0.0.2', 6 * MIB);
    expect(big.ok ? 'admitted' : big.refusal.statusCode).toBe(503);
    const b = g.enterUnverified('10.0.0.2', 5 * MIB);
    expect(b.ok).toBe(true);
    expect(g.stats).toMatchObject({ unverifiedBodies: 3, unverifiedBytes: 10 * MIB, unverifiedAddresses: 2 });
    for (const entry of [a1, a2, b]) if (entry.ok) {
      entry.release();
      entry.release();
    }
    expect(g.stats).toMatchObject({ unverifiedBodies: 0, unverifiedBytes: 0, unverifiedAddresses: 0, peakUnverifiedBodies: 3, peakUnverifiedBytes: 10 * MIB, refused: { per_address: 1, bytes: 1, bodies: 0, per_centre: 0 } });
    expect(g.rateLimitedTotal).toBe(1);
  });

  it('counts verified requests per centre: a peek before the body, a place after verification', () => {
    const g = gate();
    const first = g.enterCentre('c1');
    const second = g.enterCentre('c1');
    expect(g.centreFull('c2')).toBeUndefined();
    expect(g.centreFull('c1')).toMatchObject({ statusCode: 429, reason: 'per_centre' });
    expect(g.enterCentre('c1').ok).toBe(false);
    if (first.ok) first.release();
    expect(g.centreFull('c1')).toBeUndefined();
    if (second.ok) second.release();
    expect(g.stats.centresInFlight).toBe(0);
  });
});

describe('UploadWatch', () => {
  it('reports idle when nothing arrives, and slow when too little arrives per window', async () => {
    const stalls: StallReason[] = [];
    const idle = new UploadWatch({ idleTimeoutMs: 30, minBytesPerS: 1, rateWindowMs: 10_000 }, (reason) => stalls.push(reason));
    const slow = new UploadWatch({ idleTimeoutMs: 10_000, minBytesPerS: 1000, rateWindowMs: 40 }, (reason) => stalls.push(reason));
    const trickle = setInterval(() => slow.received(1), 5);
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (stalls.length === 2) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    clearInterval(trickle);
    expect(stalls.sort()).toEqual(['idle', 'slow']);
    idle.stop();
    slow.stop();
  });
});

describe('limits', () => {
  it('lets the slowest accepted upload finish before node’s whole-request timeout', () => {
    // 4 MiB at the minimum rate, plus slack: 34 minutes at the defaults.
    expect(requestTimeoutMs(DEFAULT_INTAKE_LIMITS)).toBeGreaterThan((4 * MIB / DEFAULT_INTAKE_LIMITS.uploadMinBytesPerS) * 1000);
    // A 64 kbit/s link (8000 bytes/s) is four times the minimum rate.
    expect(8000 / DEFAULT_INTAKE_LIMITS.uploadMinBytesPerS).toBeGreaterThan(3.9);
  });

  it('keys clients by IPv4 address and IPv6 /64', () => {
    expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002:ffff:0:0:9')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey(undefined)).toBe('unknown');
  });
});
