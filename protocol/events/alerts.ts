import { z } from 'zod';
import { Id } from '../ids.ts';
import { TicketId } from '../queue/ticket.ts';

/**
 * The kinds of alert the hub raises (docs/alerts.md). `poor_rating` is a follow-up for
 * the manager (resolved with a note); the standards kinds clear by themselves once the
 * measure is back within the standard. The list grows; a consumer that meets a kind it
 * does not know shows it as it is.
 */
export const AlertKind = z.enum(['poor_rating', 'queue_too_long', 'wait_over_target']);
export type AlertKind = z.infer<typeof AlertKind>;

/** What an alert is about: any of a counter, a service, a ticket (id and printed number), an officer. */
export const AlertSubject = z.object({
  counterId: Id.nullable(),
  serviceId: Id.nullable(),
  ticketId: TicketId.nullable(),
  ticketNumber: z.string().max(16).nullable(),
  officerId: z.string().max(64).nullable(),
});
export type AlertSubject = z.infer<typeof AlertSubject>;

/** Centre-unique alert number (the hub's `alerts` row id). */
export const AlertId = z.int().min(1);

/**
 * `alert.raised`: a standard was breached, or a citizen rated poor. `value` is the
 * measure that breached `threshold` (the rating and 1 for `poor_rating`; the waiting
 * count and the maximum for `queue_too_long`; minutes for `wait_over_target`).
 */
export const AlertRaisedData = z.object({
  alertId: AlertId,
  kind: AlertKind,
  subject: AlertSubject,
  value: z.number(),
  threshold: z.number(),
});
export type AlertRaisedData = z.infer<typeof AlertRaisedData>;

/** `alert.cleared`: the measure came back within the standard, past the hysteresis margin; the same fields as `alert.raised` (the value now). */
export const AlertClearedData = AlertRaisedData;
export type AlertClearedData = z.infer<typeof AlertClearedData>;

/** `alert.resolved`: a staff member followed the alert up and wrote what was done. */
export const AlertResolvedData = z.object({
  alertId: AlertId,
  kind: AlertKind,
  subject: AlertSubject,
  note: z.string().max(500),
  /** The staff name (or `token:<id>`) that resolved it; never a token. */
  by: z.string().min(1).max(64),
});
export type AlertResolvedData = z.infer<typeof AlertResolvedData>;

export const ALERT_EVENT_SCHEMAS = {
  'alert.raised': AlertRaisedData,
  'alert.cleared': AlertClearedData,
  'alert.resolved': AlertResolvedData,
} as const;

/** `GET /api/alerts?state=active|all` (manager or technician). */
export const AlertsQuery = z.object({
  state: z.enum(['active', 'all']).default('active'),
});

/** `POST /api/alerts/{id}/resolve`: what the manager did about it. */
export const AlertResolveRequest = z.strictObject({
  note: z.string().trim().min(1).max(500),
});
