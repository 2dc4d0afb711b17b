import { z } from 'zod';
import { Id } from '../ids.ts';
import { NonNegativeInt } from '../messages/common.ts';
import { Language, LocalizedText, TicketCategory, TicketId, TicketNumber, WaitRange } from '../queue/ticket.ts';

/** Fields every ticket.* event carries, so a consumer needs no other event to read one. */
const TicketRef = {
  ticketId: TicketId,
  number: TicketNumber,
  serviceId: Id,
};

/** `ticket.issued`: a number handed out at the kiosk (or an appointment checked in). */
export const TicketIssuedData = z.object({
  ...TicketRef,
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  category: TicketCategory,
  appointmentRef: z.string().max(64).nullable(),
  peopleAhead: NonNegativeInt,
  quotedWait: WaitRange.nullable(),
  language: Language,
});

/** `ticket.called`: a counter called the ticket (first call). */
export const TicketCalledData = z.object({ ...TicketRef, counterId: Id, officerId: Id.nullable(), waitedS: NonNegativeInt });

/** `ticket.recalled`: called again (the citizen did not come); `calls` counts all calls. */
export const TicketRecalledData = z.object({ ...TicketRef, counterId: Id, calls: z.int().min(2) });

/** `ticket.started`: the citizen is at the counter. */
export const TicketStartedData = z.object({ ...TicketRef, counterId: Id });

/** `ticket.finished`: served; `serviceS` from start (or from the call if never started). */
export const TicketFinishedData = z.object({ ...TicketRef, counterId: Id, serviceS: NonNegativeInt });

/** `ticket.no_show`: called `calls` times and never came. */
export const TicketNoShowData = z.object({ ...TicketRef, counterId: Id, calls: z.int().min(1) });

/** `ticket.transferred`: moved to another service, same number, same place by arrival. */
export const TicketTransferredData = z.object({ ...TicketRef, toServiceId: Id, counterId: Id, reason: z.string().max(200).nullable() });

export const CounterOpenedData = z.object({ counterId: Id, officerId: Id.nullable() });
export const CounterPausedData = z.object({ counterId: Id, reason: z.string().min(1).max(200) });
export const CounterClosedData = z.object({ counterId: Id });

/** `service.suspended`: no tickets (agency system down …), with the message the kiosk shows. */
export const ServiceSuspendedData = z.object({ serviceId: Id, message: LocalizedText });
export const ServiceResumedData = z.object({ serviceId: Id });

export const QUEUE_EVENT_SCHEMAS = {
  'ticket.issued': TicketIssuedData,
  'ticket.called': TicketCalledData,
  'ticket.recalled': TicketRecalledData,
  'ticket.started': TicketStartedData,
  'ticket.finished': TicketFinishedData,
  'ticket.no_show': TicketNoShowData,
  'ticket.transferred': TicketTransferredData,
  'counter.opened': CounterOpenedData,
  'counter.paused': CounterPausedData,
  'counter.closed': CounterClosedData,
  'service.suspended': ServiceSuspendedData,
  'service.resumed': ServiceResumedData,
} as const;
