import { DeviceCommandMessage, type DeviceCommandResultMessage } from '../protocol/messages/command.ts';
import type { Rating } from '../protocol/messages/press.ts';

/** The default EIFD wiring (docs/wiring.md): D2–D5 are ratings 4–1. */
const BUTTONS: readonly { pin: number; rating: Rating }[] = [
  { pin: 2, rating: 4 },
  { pin: 3, rating: 3 },
  { pin: 4, rating: 2 },
  { pin: 5, rating: 1 },
];

/**
 * A simulated device's answer to a `devices/{id}/cmd` message, in the shape the real
 * bridge gives (docs/device-contract.md; firmware-bridge/command-handler.ts), so the
 * technician's console and `POST /api/devices/{id}/commands` behave in the demo as on a
 * site: `identify` succeeds, `selftest` reports four released buttons, a malformed
 * command with a usable id gets `invalid_command`. `simulated: true` in `data` says that
 * nothing blinked. Null when there is nobody to answer (no usable id).
 */
export function answerSimulatedCommand(payload: Buffer): DeviceCommandResultMessage | null {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return null;
  }
  const parsed = DeviceCommandMessage.safeParse(body);
  if (!parsed.success) {
    const id = (body as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) return null;
    const message = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    return { id, ok: false, error: { code: 'invalid_command', message: message.slice(0, 500) } };
  }
  const { id, op } = parsed.data;
  switch (op) {
    case 'identify':
      return { id, ok: true, data: { simulated: true } };
    case 'selftest':
      return {
        id,
        ok: true,
        data: { buttons: BUTTONS.map((b) => ({ ...b, state: 'released' })), ledsLit: BUTTONS.map((b) => b.rating), buzzer: true, simulated: true },
      };
  }
}
