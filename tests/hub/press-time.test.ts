import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PRESS_AGE_MS, reconstructPressTime } from '../../hub/ingest/press-time.ts';
import type { PressMessage } from '../../protocol/messages/press.ts';

const RECEIVED = Date.UTC(2024, 4, 1, 9, 30, 0); // 2024-05-01T09:30:00.000Z
const press = (fields: Partial<PressMessage>): PressMessage => ({ seq: 1, boot: 'f00dcafe', rating: 4, upMs: 10_000, ...fields });

describe('reconstructPressTime', () => {
  it('uptime: receivedAt − (sentUpMs − upMs), and the device clock is only reported', () => {
    expect(reconstructPressTime(press({ upMs: 10_000, sentUpMs: 12_500 }), RECEIVED)).toEqual({
      pressedAt: RECEIVED - 2_500,
      deviceAt: null,
      clockQuality: 'uptime',
    });
    // A press replayed an hour later still gets its real time, whatever the device clock says.
    expect(reconstructPressTime(press({ upMs: 10_000, sentUpMs: 3_610_000, at: '2020-01-01T00:00:00Z' }), RECEIVED)).toEqual({
      pressedAt: Date.UTC(2024, 4, 1, 8, 30, 0),
      deviceAt: Date.UTC(2020, 0, 1),
      clockQuality: 'uptime',
    });
  });

  it('uptime with sentUpMs equal to upMs gives the receive time itself', () => {
    expect(reconstructPressTime(press({ upMs: 7, sentUpMs: 7 }), RECEIVED)).toEqual({ pressedAt: RECEIVED, deviceAt: null, clockQuality: 'uptime' });
    expect(reconstructPressTime(press({ upMs: 0, sentUpMs: 0 }), RECEIVED).clockQuality).toBe('uptime');
  });

  it('device-clock: the device\'s `at` when there is no sentUpMs, offsets honoured', () => {
    expect(reconstructPressTime(press({ at: '2024-05-01T12:29:58.250+03:00' }), RECEIVED)).toEqual({
      pressedAt: Date.UTC(2024, 4, 1, 9, 29, 58, 250),
      deviceAt: Date.UTC(2024, 4, 1, 9, 29, 58, 250),
      clockQuality: 'device-clock',
    });
  });

  it('receive-time: neither an uptime pair nor a device clock', () => {
    expect(reconstructPressTime(press({}), RECEIVED)).toEqual({ pressedAt: RECEIVED, deviceAt: null, clockQuality: 'receive-time' });
  });

  it('falls back when sentUpMs < upMs (a device that restamped wrongly or rebooted its counter)', () => {
    expect(reconstructPressTime(press({ upMs: 10_000, sentUpMs: 9_999, at: '2024-05-01T09:29:00Z' }), RECEIVED)).toEqual({
      pressedAt: Date.UTC(2024, 4, 1, 9, 29, 0),
      deviceAt: Date.UTC(2024, 4, 1, 9, 29, 0),
      clockQuality: 'device-clock',
    });
    expect(reconstructPressTime(press({ upMs: 10_000, sentUpMs: 0 }), RECEIVED)).toEqual({ pressedAt: RECEIVED, deviceAt: null, clockQuality: 'receive-time' });
  });

  it('does not believe an uptime gap beyond MAX_PRESS_AGE_MS, nor a device clock far off', () => {
    // A schema-valid press whose uptime gap would put it 285,000 years back (it crashed
    // the hub once: the time was outside what Date can print).
    expect(reconstructPressTime(press({ upMs: 0, sentUpMs: Number.MAX_SAFE_INTEGER }), RECEIVED)).toEqual({ pressedAt: RECEIVED, deviceAt: null, clockQuality: 'receive-time' });
    expect(reconstructPressTime(press({ upMs: 0, sentUpMs: MAX_PRESS_AGE_MS }), RECEIVED).clockQuality).toBe('uptime');
    expect(reconstructPressTime(press({ upMs: 0, sentUpMs: MAX_PRESS_AGE_MS + 1 }), RECEIVED).clockQuality).toBe('receive-time');
    // A device clock in 2030 would make one press the device's newest for years.
    const future = Date.UTC(2030, 0, 1);
    expect(reconstructPressTime(press({ at: '2030-01-01T00:00:00Z' }), RECEIVED)).toEqual({ pressedAt: RECEIVED, deviceAt: future, clockQuality: 'receive-time' });
    // A little ahead is believed, but clamped to the receive time.
    expect(reconstructPressTime(press({ at: new Date(RECEIVED + 60_000).toISOString() }), RECEIVED)).toEqual({ pressedAt: RECEIVED, deviceAt: RECEIVED + 60_000, clockQuality: 'device-clock' });
  });

  it('property: pressedAt is always within [receivedAt − MAX_PRESS_AGE_MS, receivedAt], for any schema-valid press', () => {
    const anyDate = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true });
    fc.assert(fc.property(
      fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.option(fc.nat({ max: Number.MAX_SAFE_INTEGER }), { nil: undefined }), fc.option(anyDate, { nil: undefined }),
      fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2090, 0, 1) }),
      (upMs, sentUpMs, deviceDate, receivedAt) => {
        const result = reconstructPressTime(press({ upMs, sentUpMs, at: deviceDate?.toISOString() }), receivedAt);
        expect(result.pressedAt).toBeLessThanOrEqual(receivedAt);
        expect(result.pressedAt).toBeGreaterThanOrEqual(receivedAt - MAX_PRESS_AGE_MS);
        expect(() => new Date(result.pressedAt).toISOString()).not.toThrow();
        if (sentUpMs !== undefined && sentUpMs >= upMs && sentUpMs - upMs <= MAX_PRESS_AGE_MS) {
          expect(result).toMatchObject({ pressedAt: receivedAt - (sentUpMs - upMs), clockQuality: 'uptime' });
        }
      },
    ));
  });
});
