import { z } from 'zod';

/**
 * The daily report's JSON (process contract "Manager"; docs/reports.md says what each
 * figure means). Shared by the hub and, later, the Secretariat, which must answer with
 * the same shape for the same centre and day.
 */
export const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

/** Presses counted by rating: only presses not flagged misuse. */
export const ByRating = z.object({ '1': z.int(), '2': z.int(), '3': z.int(), '4': z.int() });

export const FeedbackTally = z.object({ total: z.int(), byRating: ByRating });

/** Null when there is nothing to take a figure of (no waits, no presses). */
const Seconds = z.int().nullable();
const Percent = z.number().nullable();

export const ServiceReport = z.object({
  serviceId: z.string(),
  issued: z.int(),
  served: z.int(),
  noShow: z.int(),
  targetWaitMin: z.int(),
  waitP50S: Seconds,
  waitP90S: Seconds,
  waitMaxS: Seconds,
  withinTargetPct: Percent,
  serviceP50S: Seconds,
  serviceP90S: Seconds,
  feedback: FeedbackTally.extend({ misuse: z.int() }),
});

export const DailyReport = z.object({
  centreId: z.string(),
  date: LocalDate,
  timezone: z.string(),
  /** The local day's bounds as instants (ISO, UTC): [from, to). */
  from: z.string(),
  to: z.string(),
  generatedAt: z.string(),
  tickets: z.object({ issued: z.int(), served: z.int(), noShow: z.int(), transferred: z.int(), waitingAtClose: z.int() }),
  services: z.array(ServiceReport),
  counters: z.array(z.object({ counterId: z.string(), served: z.int(), feedback: FeedbackTally })),
  officers: z.array(z.object({ officerId: z.string(), served: z.int(), feedback: FeedbackTally })),
  feedback: FeedbackTally.extend({ misuse: z.int(), satisfactionPct: Percent, ratedSharePct: Percent }),
  /** The local hour (0–23) in which most tickets were issued; null on a day without tickets. */
  peakHour: z.object({ hour: z.int().min(0).max(23), issued: z.int() }).nullable(),
});
export type DailyReport = z.infer<typeof DailyReport>;
export type ServiceReport = z.infer<typeof ServiceReport>;
