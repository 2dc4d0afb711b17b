import type { ClockQuality } from '../../protocol/events/feedback.ts';
import type { PressMessage } from '../../protocol/messages/press.ts';

export interface PressTime {
  pressedAt: number;
  deviceAt: number | null;
  clockQuality: ClockQuality;
}

/**
 * Reconstructs when the button was pressed without trusting the device's wall clock
 * (invariant 5; wire contract v1): the device's uptime between the press and this
 * send, taken back from the hub's receive time. `sentUpMs` is restamped on every send,
 * so a press replayed after an hour offline still gets its real time. Without a usable
 * uptime pair, the device's `at`, and without that, the receive time; the quality flag
 * says which.
 */
export function reconstructPressTime(press: PressMessage, receivedAt: number): PressTime {
  const deviceAt = press.at === undefined ? null : Date.parse(press.at);
  if (press.sentUpMs !== undefined && press.sentUpMs >= press.upMs) {
    return { pressedAt: receivedAt - (press.sentUpMs - press.upMs), deviceAt, clockQuality: 'uptime' };
  }
  if (deviceAt !== null && Number.isFinite(deviceAt)) {
    return { pressedAt: deviceAt, deviceAt, clockQuality: 'device-clock' };
  }
  return { pressedAt: receivedAt, deviceAt, clockQuality: 'receive-time' };
}
