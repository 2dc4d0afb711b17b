import { z } from 'zod';
import { Id } from '../ids.ts';
import { BootId, IsoTime, NonNegativeInt } from '../messages/common.ts';
import { Rating } from '../messages/press.ts';
import { TicketId } from '../queue/ticket.ts';

/**
 * Which clock the press time came from (invariant 5, clocks are not trusted):
 * - `uptime`: receivedAt − (sentUpMs − upMs), the device's uptime delta on the hub clock;
 * - `device-clock`: the device's own `at` (it had no usable uptime delta);
 * - `receive-time`: neither, so the hub's receive time.
 */
export const ClockQuality = z.enum(['uptime', 'device-clock', 'receive-time']);
export type ClockQuality = z.infer<typeof ClockQuality>;

/** `feedback.pressed`: exactly one per stored press, misuse-flagged ones included. */
export const FeedbackPressedData = z.object({
  deviceId: Id,
  counterId: Id,
  boot: BootId,
  deviceSeq: z.int().min(1),
  rating: Rating,
  /** Inside the lock-out window of the device's previous counted vote: kept, flagged. */
  misuse: z.boolean(),
  pressedAt: IsoTime,
  receivedAt: IsoTime,
  deviceAt: IsoTime.nullable(),
  upMs: NonNegativeInt,
  sentUpMs: NonNegativeInt.nullable(),
  clockQuality: ClockQuality,
  /**
   * The ticket being served at the counter at the press time (or finished there just
   * before it), so a rating belongs to a service. Null when none was; absent in events
   * recorded before the queue engine existed.
   */
  ticketId: TicketId.nullable().optional(),
  serviceId: Id.nullable().optional(),
});
export type FeedbackPressedData = z.infer<typeof FeedbackPressedData>;
