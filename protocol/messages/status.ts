import { z } from 'zod';
import { BootId, FirmwareVersion } from './common.ts';

export const DeviceState = z.enum(['online', 'offline']);
export type DeviceState = z.infer<typeof DeviceState>;

/**
 * `devices/{deviceId}/status`, device → hub, QoS 1, retained. The device's last will
 * is `{ "state": "offline" }` on the same topic. A bridge publishes `online` only once
 * its buttons are armed.
 */
export const DeviceStatusMessage = z.object({
  state: DeviceState,
  fw: FirmwareVersion.optional(),
  boot: BootId.optional(),
});
export type DeviceStatusMessage = z.infer<typeof DeviceStatusMessage>;
