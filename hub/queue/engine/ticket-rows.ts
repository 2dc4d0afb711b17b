import type { Language, TicketCategory, TicketStatus, TicketView } from '../../../protocol/queue/ticket.ts';

/** A `tickets` row as SQLite returns it (column names as in 004-queue.sql). */
export interface TicketRow {
  id: string;
  day: string;
  prefix: string;
  seq_no: number;
  number: string;
  service_id: string;
  category: TicketCategory;
  status: TicketStatus;
  language: Language;
  issued_at: number;
  arrived_at: number;
  appointment_ref: string | null;
  appointment_at: number | null;
  counter_id: string | null;
  officer_id: string | null;
  calls: number;
  called_at: number | null;
  first_called_at: number | null;
  started_at: number | null;
  finished_at: number | null;
  people_ahead: number;
  quoted_low_min: number | null;
  quoted_high_min: number | null;
  transfers: number;
}

/** The fields every ticket.* event carries. */
export function ticketRef(row: TicketRow): { ticketId: string; number: string; serviceId: string } {
  return { ticketId: row.id, number: row.number, serviceId: row.service_id };
}

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export function ticketView(row: TicketRow): TicketView {
  return {
    id: row.id,
    number: row.number,
    serviceId: row.service_id,
    category: row.category,
    status: row.status,
    day: row.day,
    issuedAt: iso(row.issued_at),
    arrivedAt: iso(row.arrived_at),
    appointmentRef: row.appointment_ref,
    appointmentAt: isoOrNull(row.appointment_at),
    counterId: row.counter_id,
    calls: row.calls,
    calledAt: isoOrNull(row.called_at),
    peopleAhead: row.people_ahead,
    quotedWait: row.quoted_low_min === null || row.quoted_high_min === null ? null : { lowMin: row.quoted_low_min, highMin: row.quoted_high_min },
    language: row.language,
  };
}

/** `A` + 7 → `A007`; at least three digits, more when the day needs them (`A1000`). */
export function ticketNumber(prefix: string, seqNo: number): string {
  return `${prefix}${String(seqNo).padStart(3, '0')}`;
}

/** `2026-12-05` + `A001` → `20261205-A001`: unique in a centre. */
export function ticketId(day: string, number: string): string {
  return `${day.replaceAll('-', '')}-${number}`;
}
