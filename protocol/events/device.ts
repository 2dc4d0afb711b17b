import { z } from 'zod';
import { Id } from '../ids.ts';
import { BootId, FirmwareVersion } from '../messages/common.ts';

/** `device.online`: the device said it is online (buttons armed) on its current connection. */
export const DeviceOnlineData = z.object({
  deviceId: Id,
  counterId: Id,
  fw: FirmwareVersion.nullable(),
  boot: BootId.nullable(),
});
export type DeviceOnlineData = z.infer<typeof DeviceOnlineData>;

export const OfflineReason = z.enum(['status', 'will', 'disconnect', 'revoked', 'hub_restart']);
export type OfflineReason = z.infer<typeof OfflineReason>;

/** `device.offline`: the device's current connection ended or it said so. */
export const DeviceOfflineData = z.object({
  deviceId: Id,
  counterId: Id,
  reason: OfflineReason,
});
export type DeviceOfflineData = z.infer<typeof DeviceOfflineData>;
