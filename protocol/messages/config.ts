import { z } from 'zod';
import { Id } from '../ids.ts';
import { IsoTime, NonNegativeInt } from './common.ts';

/**
 * `devices/{deviceId}/config`, hub → device, QoS 1, retained. Republished by the hub
 * at every start (aedes keeps retained messages in memory only) and whenever the
 * device is moved to another counter.
 */
export const DeviceConfigMessage = z.object({
  centreId: Id,
  deviceId: Id,
  counterId: Id,
  counterLabel: z.string().min(1).max(64),
  /** Per-vote lock-out: presses inside it are still sent, and the hub flags them `misuse`. */
  lockoutMs: NonNegativeInt,
  /** How long a button must read stable before it counts as pressed. */
  debounceMs: NonNegativeInt.optional(),
  telemetryIntervalMs: z.int().min(1000).optional(),
  issuedAt: IsoTime.optional(),
});
export type DeviceConfigMessage = z.infer<typeof DeviceConfigMessage>;
