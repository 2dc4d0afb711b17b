import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reconstructPressTime } from '../../hub/ingest/press-time.ts';
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

  it('property: with sentUpMs ≥ upMs, pressedAt = receivedAt − (sentUpMs − upMs)', () => {
    const at = fc.option(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-01-01T00:00:00Z'), noInvalidDate: true }), { nil: undefined });
    fc.assert(fc.property(
      fc.nat({ max: 2 ** 40 }), fc.nat({ max: 2 ** 40 }), fc.integer({ min: 0, max: 4_102_444_800_000 }), at,
      (upMs, delta, receivedAt, deviceDate) => {
        const result = reconstructPressTime(press({ upMs, sentUpMs: upMs + delta, at: deviceDate?.toISOString() }), receivedAt);
        expect(result.clockQuality).toBe('uptime');
        expect(result.pressedAt).toBe(receivedAt - delta);
        expect(result.deviceAt).toBe(deviceDate === undefined ? null : deviceDate.getTime());
      },
    ));
  });

  it('property: with sentUpMs < upMs or absent, the device clock wins when given, else the receive time', () => {
    const sent = fc.oneof(fc.constant(undefined), fc.nat({ max: 2 ** 40 }));
    const at = fc.option(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-01-01T00:00:00Z'), noInvalidDate: true }), { nil: undefined });
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 41 }), sent, fc.nat({ max: 4_102_444_800_000 }), at, (upMs, sentRaw, receivedAt, deviceDate) => {
      const sentUpMs = sentRaw === undefined ? undefined : sentRaw % upMs; // always < upMs
      const result = reconstructPressTime(press({ upMs, sentUpMs, at: deviceDate?.toISOString() }), receivedAt);
      if (deviceDate === undefined) {
        expect(result).toEqual({ pressedAt: receivedAt, deviceAt: null, clockQuality: 'receive-time' });
      } else {
        expect(result).toEqual({ pressedAt: deviceDate.getTime(), deviceAt: deviceDate.getTime(), clockQuality: 'device-clock' });
      }
    }));
  });
});
