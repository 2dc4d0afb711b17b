import type { QueueErrorCode } from '../../protocol/queue/api.ts';
import type { LocalizedText, TicketCategory, TicketView, Language } from '../../protocol/queue/ticket.ts';

/**
 * What the main thread asks the queue engine to do. The engine runs in the writer
 * thread, inside the group-commit transaction, so each command's state change and its
 * domain events commit together (invariant 2) and commands are applied one at a time:
 * two counters calling at once, or 500 kiosk requests, can never take the same ticket
 * or number. Plain data (structured clone).
 */
export type QueueCommand =
  | { kind: 'issue'; serviceId: string; category: Exclude<TicketCategory, 'appointment'>; language: Language }
  | { kind: 'check_in'; reference: string; language: Language }
  | { kind: 'call_next'; counterId: string; officerId: string | null }
  | { kind: 'recall'; counterId: string }
  | { kind: 'start'; counterId: string }
  | { kind: 'finish'; counterId: string }
  | { kind: 'no_show'; counterId: string }
  | { kind: 'transfer'; counterId: string; toServiceId: string; reason: string | null }
  | { kind: 'open_counter'; counterId: string; officerId: string | null }
  | { kind: 'pause_counter'; counterId: string; reason: string }
  | { kind: 'close_counter'; counterId: string }
  | { kind: 'suspend_service'; serviceId: string; message: LocalizedText }
  | { kind: 'resume_service'; serviceId: string }
  | { kind: 'add_appointments'; appointments: Array<{ reference: string; serviceId: string; atMs: number; name: string | null }> }
  /** The printer confirmed the ticket's job (hub/queue/print-spooler.ts). */
  | { kind: 'print_done'; ticketId: string }
  /** A print attempt failed; the job stays pending and is tried again. */
  | { kind: 'print_failed'; ticketId: string; error: string };

/**
 * The hub's local time of the command, computed on the main thread from the injected
 * clock and the centre's timezone (so tests can roll the day over at local midnight).
 */
export interface QueueTime {
  atMs: number;
  /** Local day, YYYY-MM-DD: tickets are numbered per prefix per day. */
  day: string;
  /** 0 = Monday … 6 = Sunday, local. */
  weekday: number;
  /** Minutes since local midnight. */
  minuteOfDay: number;
}

export type QueueResult =
  | { ok: true; ticket: TicketView | null; added?: number }
  | { ok: false; code: QueueErrorCode; message: string; messages?: LocalizedText };
