import { z } from 'zod';
import { Id } from '../ids.ts';
import { IsoTime, NonNegativeInt } from '../messages/common.ts';
import { LocalizedText } from '../queue/ticket.ts';

/** Today's feedback at the centre, counted live by the hub (its local day). */
export const FeedbackToday = z.object({
  /** Local date at the centre, YYYY-MM-DD. */
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  presses: NonNegativeInt,
  /** Counts by rating ("1" poor … "4" excellent), misuse-flagged presses excluded. */
  byRating: z.record(z.enum(['1', '2', '3', '4']), NonNegativeInt),
});
export type FeedbackToday = z.infer<typeof FeedbackToday>;

export const DiskState = z.enum(['ok', 'warn', 'critical', 'refusing']);
export type DiskState = z.infer<typeof DiskState>;

/**
 * `POST /v1/sync/heartbeat`, sent every minute or so, also when there is nothing to
 * sync and while a backlog drains: it is how the NOC sees a centre's live state when
 * its events are hours behind. Consumers ignore unknown fields.
 */
export const SyncHeartbeat = z.object({
  v: z.literal(1),
  centreId: Id,
  epoch: z.uuid(),
  /** Hub clock at sending. */
  at: IsoTime,
  version: z.string().min(1).max(64),
  lastSeq: NonNegativeInt,
  ackedThroughSeq: NonNegativeInt,
  backlogEvents: NonNegativeInt,
  backlogBytes: NonNegativeInt,
  oldestUnsyncedAgeS: NonNegativeInt,
  lastSyncAt: IsoTime.nullable(),
  devicesOnline: NonNegativeInt,
  devicesTotal: NonNegativeInt,
  /** Secretariat clock − hub clock, as the hub last estimated it (ms); null before any answer. */
  clockOffsetMs: z.int().nullable(),
  freeDiskBytes: NonNegativeInt.nullable(),
  diskState: DiskState,
  /** Records the Secretariat set aside, as the hub knows them. */
  quarantinedTotal: NonNegativeInt,
  feedbackToday: FeedbackToday,
  /**
   * The centre as its config names it, and its zone: the NOC shows names, not ids.
   * Optional (added in 14; additive, older hubs send none and the NOC shows the id).
   */
  centre: z.object({ names: LocalizedText, timeZone: z.string().min(1).max(64) }).optional(),
});
export type SyncHeartbeat = z.infer<typeof SyncHeartbeat>;

/** 200 answer to a heartbeat: the Secretariat's view of this centre. */
export const SyncHeartbeatAck = z.object({
  ackedThroughSeq: NonNegativeInt,
  highestSeq: NonNegativeInt,
  serverTime: z.int(),
});
export type SyncHeartbeatAck = z.infer<typeof SyncHeartbeatAck>;
