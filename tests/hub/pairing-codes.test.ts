import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../runtime/clock.ts';
import { PairingCodes } from '../../hub/devices/pairing-codes.ts';

const settings = { codeTtlMs: 10 * 60_000, maxWrongCodes: 5 };
const other = (code: string, i = 1) => String((Number(code) + i) % 1_000_000).padStart(6, '0');

describe('PairingCodes', () => {
  it('a code is six digits, valid until its expiry, and single use', () => {
    const clock = new ManualClock(Date.parse('2026-12-08T08:00:00Z'));
    const codes = new PairingCodes(clock, settings);
    const opened = codes.open('c03', 'wanjiru');
    expect(opened).toEqual({ code: expect.stringMatching(/^\d{6}$/), counterId: 'c03', expiresAt: '2026-12-08T08:10:00.000Z' });
    expect(codes.openCount).toBe(1);
    clock.advance(10 * 60_000 - 1);
    expect(codes.claim(opened.code)).toEqual({ ok: true, counterId: 'c03', openedBy: 'wanjiru' });
    expect(codes.claim(opened.code)).toMatchObject({ ok: false, reason: 'code_used' });
    expect(codes.openCount).toBe(0);
  });

  it('an expired code says so and does not count as wrong', () => {
    const clock = new ManualClock(0);
    const codes = new PairingCodes(clock, { ...settings, maxWrongCodes: 1 });
    const { code } = codes.open('c01', 'amina');
    clock.advance(10 * 60_000);
    expect(codes.claim(code)).toMatchObject({ ok: false, reason: 'code_expired', message: expect.stringContaining('expired') });
    expect(codes.closed).toBe(false);
  });

  it('wrong codes close the window for every open code until a new one is opened', () => {
    const codes = new PairingCodes(new ManualClock(0), settings);
    const first = codes.open('c01', 'amina');
    const second = codes.open('c02', 'amina');
    const wrong = [1, 2, 3, 4, 5, 6, 7].map((i) => other(first.code, i)).filter((c) => c !== second.code).slice(0, 5);
    const answers = wrong.map((c) => codes.claim(c));
    expect(answers.map((a) => a.ok === false && a.reason)).toEqual(['code_wrong', 'code_wrong', 'code_wrong', 'code_wrong', 'code_wrong']);
    expect(answers[3]).toMatchObject({ message: expect.stringContaining('1 more wrong code close') });
    expect(codes.closed).toBe(true);
    expect(codes.claim(first.code)).toMatchObject({ ok: false, reason: 'pairing_closed' });
    expect(codes.claim(second.code)).toMatchObject({ ok: false, reason: 'pairing_closed' });
    const third = codes.open('c03', 'amina');
    expect(codes.closed).toBe(false);
    expect(codes.claim(third.code)).toMatchObject({ ok: true, counterId: 'c03' });
    // The codes the closing refused stay refused.
    expect(codes.claim(first.code)).toMatchObject({ ok: false, reason: 'pairing_closed' });
  });

  it('a released code can be claimed again (the device could not be created)', () => {
    const codes = new PairingCodes(new ManualClock(0), settings);
    const { code } = codes.open('c01', 'amina');
    expect(codes.claim(code).ok).toBe(true);
    codes.release(code);
    expect(codes.claim(code).ok).toBe(true);
  });

  it('keeps no code in the clear', () => {
    const codes = new PairingCodes(new ManualClock(0), settings);
    const { code } = codes.open('c01', 'amina');
    // Private fields are invisible to serialisation and inspection alike; the HMAC digests are what is kept.
    expect(JSON.stringify(codes)).not.toContain(code);
    expect(Object.values(codes).join()).not.toContain(code);
  });
});
