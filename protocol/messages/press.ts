import { z } from 'zod';
import { BootId, IsoTime, NonNegativeInt } from './common.ts';

/** Ratings of the four-button EIFD: 4 excellent, 3 good, 2 fair, 1 poor. */
export const Rating = z.int().min(1).max(4);
export type Rating = z.infer<typeof Rating>;

/**
 * `devices/{deviceId}/press`, device → hub, QoS 1.
 * Dedup key is (deviceId, boot, seq); `seq` restarts at 1 with each new `boot`.
 * `upMs` is device uptime at the press, `sentUpMs` uptime when this copy was sent
 * (restamped on every send, replays included), so the hub can reconstruct the press
 * time without trusting the device's wall clock: receivedAt − (sentUpMs − upMs).
 * Unknown fields are ignored (additive schema evolution).
 */
export const PressMessage = z.object({
  seq: z.int().min(1),
  boot: BootId,
  rating: Rating,
  upMs: NonNegativeInt,
  sentUpMs: NonNegativeInt.optional(),
  at: IsoTime.optional(),
});
export type PressMessage = z.infer<typeof PressMessage>;
