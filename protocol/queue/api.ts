import { z } from 'zod';
import { Id } from '../ids.ts';
import { IsoTime, NonNegativeInt } from '../messages/common.ts';
import { Language, LocalizedText, TicketCategory, TicketPrefix, TicketView, WaitRange } from './ticket.ts';

/**
 * The queue part of the hub's HTTP API (process contract: GET /api/services,
 * GET /api/counters, POST /api/tickets, POST /api/counters/{id}/call-next), used by the
 * kiosk, counter console and hall board pages. Requests are parsed with these schemas
 * at the boundary; responses are typed by them.
 */

export const ServiceStatus = z.enum(['open', 'suspended', 'closed']);
export type ServiceStatus = z.infer<typeof ServiceStatus>;

export const ServiceView = z.object({
  id: Id,
  prefix: TicketPrefix,
  names: LocalizedText,
  agency: z.string(),
  icon: z.string(),
  status: ServiceStatus,
  /** Why it is not open (suspension message, outside opening hours, daily cap reached). */
  message: LocalizedText.nullable(),
  /** The daily cap is reached: the kiosk says so instead of issuing. */
  capped: z.boolean(),
  waiting: NonNegativeInt,
  /** For a ticket taken now; null when no open counter serves the service. */
  estimatedWait: WaitRange.nullable(),
  targetWaitMin: NonNegativeInt.nullable(),
});
export type ServiceView = z.infer<typeof ServiceView>;

export const CounterState = z.enum(['open', 'paused', 'closed']);
export type CounterState = z.infer<typeof CounterState>;

export const CounterView = z.object({
  id: Id,
  label: z.string(),
  serviceIds: z.array(Id),
  state: CounterState,
  pauseReason: z.string().nullable(),
  /** The ticket called or being served here. (No officer id: this view is public; the console knows its own officer from the login.) */
  current: TicketView.nullable(),
});
export type CounterView = z.infer<typeof CounterView>;

/** One call as the hall board shows it. */
export const CallView = z.object({
  ticketId: z.string(),
  number: z.string(),
  serviceId: Id,
  counterId: Id,
  counterLabel: z.string(),
  /** 1 for the first call, 2+ for recalls. */
  calls: z.int().min(1),
  at: IsoTime,
});
export type CallView = z.infer<typeof CallView>;

// Requests.

export const IssueTicketRequest = z.strictObject({
  serviceId: Id,
  category: TicketCategory.exclude(['appointment']).default('regular'),
  language: Language.default('en'),
});
export type IssueTicketRequest = z.infer<typeof IssueTicketRequest>;

export const AppointmentReference = z.string().regex(/^[A-Za-z0-9-]{4,32}$/, 'must be 4–32 letters, digits or dashes');

export const CheckInRequest = z.strictObject({ reference: AppointmentReference, language: Language.default('en') });

export const Appointment = z.strictObject({ reference: AppointmentReference, serviceId: Id, at: IsoTime, name: z.string().max(100).optional() });
export const AddAppointmentsRequest = z.strictObject({ appointments: z.array(Appointment).min(1).max(5000) });

export const TransferRequest = z.strictObject({ serviceId: Id, reason: z.string().max(200).optional() });
export const PauseRequest = z.strictObject({ reason: z.string().min(1).max(200) });
export const SuspendServiceRequest = z.strictObject({ message: LocalizedText });

export const OfficerLoginRequest = z.strictObject({ counterId: Id, officerId: Id, pin: z.string().regex(/^\d{4,8}$/, 'must be 4–8 digits') });
export const OfficerLoginResponse = z.object({ token: z.string(), officerId: Id, name: z.string(), counterId: Id, expiresAt: IsoTime });

// Responses.

/** POST /api/tickets: `printed` false when the printer failed after the number was allocated (it is reprinted); `messages` then tells the citizen. */
export const TicketResponse = z.object({ ticket: TicketView, printed: z.boolean().optional(), messages: LocalizedText.optional() });
export const ServicesResponse = z.object({ services: z.array(ServiceView) });
export const CountersResponse = z.object({ counters: z.array(CounterView) });

/** Pushed over `GET /api/queue/stream` (server-sent events, event name `state`) at connect and after every change. */
export const QueueSnapshot = z.object({
  /** `timeZone`: the centre's IANA zone; every page shows the centre's local time in it, never the browser's (docs/queue.md, "Time on the pages"). */
  centre: z.object({ id: Id, names: LocalizedText, timeZone: z.string().min(1) }),
  services: z.array(ServiceView),
  counters: z.array(CounterView),
  /** Newest first. */
  recentCalls: z.array(CallView),
  /** The counter rules the console enables its buttons by. */
  rules: z.object({ maxRecalls: NonNegativeInt, noShowAfterCalls: z.int().min(1) }),
  /** Whether the kiosk can print a ticket now (it says so before a citizen chooses). */
  printer: z.object({ ready: z.boolean() }),
  at: IsoTime,
});
export type QueueSnapshot = z.infer<typeof QueueSnapshot>;

/** Error codes of the queue API (`{"error": {"code", "message"}}`); the kiosk shows `messages` when given. */
export const QueueErrorCode = z.enum([
  'unknown_service',
  'unknown_counter',
  'service_suspended',
  'service_closed',
  'service_capped',
  'printer_unavailable',
  'counter_not_open',
  'counter_busy',
  'no_current_ticket',
  'recall_limit',
  'not_enough_calls',
  'same_service',
  'unknown_appointment',
  'appointment_used',
  'appointment_expired',
  'appointment_too_early',
  'invalid_pin',
  'login_locked',
  'counter_taken',
  'too_many_attempts',
  'no_print_job',
]);
export type QueueErrorCode = z.infer<typeof QueueErrorCode>;
