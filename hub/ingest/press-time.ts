import type { ClockQuality } from '../../protocol/events/feedback.ts';
import type { PressMessage } from '../../protocol/messages/press.ts';

/**
 * The oldest press a device can plausibly send: a bridge's offline queue may hold
 * presses through a long outage, not for months. Older claims are a broken or hostile
 * clock and are not believed.
 */
export const MAX_PRESS_AGE_MS = 90 * 24 * 60 * 60 * 1000;
/** How far ahead of the hub a device's own clock may run and still be believed. */
export const DEVICE_CLOCK_AHEAD_TOLERANCE_MS = 5 * 60 * 1000;

export interface PressTime {
  /** Never later than the receive time, never earlier than MAX_PRESS_AGE_MS before it. */
  pressedAt: number;
  /** The device's own `at`, as sent (null without one). */
  deviceAt: number | null;
  clockQuality: ClockQuality;
}

/**
 * Reconstructs when the button was pressed without trusting the device's wall clock
 * (invariant 5; wire contract v1): the device's uptime between the press and this
 * send, taken back from the hub's receive time. `sentUpMs` is restamped on every send,
 * so a press replayed after an hour offline still gets its real time. Without a
 * plausible uptime pair, the device's `at` if plausible, else the receive time; the
 * quality flag says which. Implausible values are bounded here because everything
 * downstream (lock-out, budget, ordering) trusts this time.
 */
export function reconstructPressTime(press: PressMessage, receivedAt: number): PressTime {
  const deviceAt = press.at === undefined ? null : Date.parse(press.at);
  if (press.sentUpMs !== undefined) {
    const age = press.sentUpMs - press.upMs;
    if (age >= 0 && age <= MAX_PRESS_AGE_MS) return { pressedAt: receivedAt - age, deviceAt, clockQuality: 'uptime' };
  }
  if (deviceAt !== null && deviceAt >= receivedAt - MAX_PRESS_AGE_MS && deviceAt <= receivedAt + DEVICE_CLOCK_AHEAD_TOLERANCE_MS) {
    // A clock a little ahead is believed, but a press never happens after it arrived.
    return { pressedAt: Math.min(deviceAt, receivedAt), deviceAt, clockQuality: 'device-clock' };
  }
  return { pressedAt: receivedAt, deviceAt, clockQuality: 'receive-time' };
}
