import { z } from 'zod';
import { Id } from '../ids.ts';
import { IsoTime, NonNegativeInt } from '../messages/common.ts';

/** Kiosk and page languages: English and Kiswahili. */
export const Language = z.enum(['en', 'sw']);
export type Language = z.infer<typeof Language>;

export const LocalizedText = z.object({ en: z.string().min(1).max(500), sw: z.string().min(1).max(500) });
export type LocalizedText = z.infer<typeof LocalizedText>;

/** Service ticket prefix: one or two capital letters (A001, BK012). */
export const TicketPrefix = z.string().regex(/^[A-Z]{1,2}$/, 'must be one or two capital letters');

/**
 * Who may be called ahead of walk-ins: the priority categories of the Huduma Charter
 * (elderly, disability, pregnancy) and booked appointments, which go ahead only from
 * their booked time on.
 */
export const PRIORITY_CATEGORIES = ['elderly', 'disability', 'pregnancy'] as const;
export const TicketCategory = z.enum(['regular', ...PRIORITY_CATEGORIES, 'appointment']);
export type TicketCategory = z.infer<typeof TicketCategory>;

export const TicketStatus = z.enum(['waiting', 'called', 'serving', 'finished', 'no_show']);
export type TicketStatus = z.infer<typeof TicketStatus>;

/** `YYYYMMDD-A001`: the centre's local day and the number, unique in a centre. */
export const TicketId = z.string().regex(/^\d{8}-[A-Z]{1,2}\d{3,}$/, 'must look like 20261205-A001');

/** The number shown and printed: prefix and at least three digits (A001 … A999, A1000). */
export const TicketNumber = z.string().regex(/^[A-Z]{1,2}\d{3,}$/);

/** A quoted wait, in whole minutes, as a range (an honest estimate is never one number). */
export const WaitRange = z.object({ lowMin: NonNegativeInt, highMin: NonNegativeInt });
export type WaitRange = z.infer<typeof WaitRange>;

/** A ticket as the API and the pages see it. */
export const TicketView = z.object({
  id: TicketId,
  number: TicketNumber,
  serviceId: Id,
  category: TicketCategory,
  status: TicketStatus,
  /** Local day, YYYY-MM-DD. */
  day: z.string(),
  issuedAt: IsoTime,
  /** Original arrival: a transfer keeps it, so the ticket is placed fairly in its new queue. */
  arrivedAt: IsoTime,
  appointmentRef: z.string().nullable(),
  appointmentAt: IsoTime.nullable(),
  counterId: Id.nullable(),
  calls: NonNegativeInt,
  calledAt: IsoTime.nullable(),
  /** Waiting tickets ahead of this one in its service when it was issued. */
  peopleAhead: NonNegativeInt,
  quotedWait: WaitRange.nullable(),
  language: Language,
});
export type TicketView = z.infer<typeof TicketView>;
