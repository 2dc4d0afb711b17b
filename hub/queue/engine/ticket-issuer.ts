import { callLine } from './call-order.ts';
import type { Statement } from 'better-sqlite3';
import type { Language, TicketCategory } from '../../../protocol/queue/ticket.ts';
import type { ServiceConfig } from '../../config/schema.ts';
import type { QueueCommand, QueueResult, QueueTime } from '../commands.ts';
import type { QueueContext } from './queue-rules.ts';
import { refuse, type QueueRefusal } from './queue-errors.ts';
import { CAPPED_MESSAGE, closedMessages, isWithinOpeningHours, localDateTime, openingHoursText } from './service-availability.ts';
import { dateWords, timeWords, weekdayOf } from '../../../protocol/wording/local-time-words.ts';
import { ticketId, ticketNumber, ticketView, type TicketRow } from './ticket-rows.ts';

type IssueCommand = Extract<QueueCommand, { kind: 'issue' }>;
type CheckInCommand = Extract<QueueCommand, { kind: 'check_in' }>;
type AddAppointmentsCommand = Extract<QueueCommand, { kind: 'add_appointments' }>;

interface AppointmentRow {
  reference: string;
  service_id: string;
  at: number;
  ticket_id: string | null;
}

interface NewTicket {
  service: ServiceConfig;
  category: TicketCategory;
  language: Language;
  appointmentRef: string | null;
  appointmentAt: number | null;
}

const MINUTE_MS = 60_000;

/**
 * Hands out tickets: walk-ins at the kiosk and appointments checked in by reference.
 * Every refusal is decided before anything is written, and the number is taken in the
 * same savepoint as the ticket and its `ticket.issued` event, so numbers stay gap-free.
 */
export class TicketIssuer {
  readonly #ctx: QueueContext;
  readonly #takeNumber: Statement<[string, string]>;
  readonly #insertTicket: Statement;
  readonly #appointment: Statement<[string]>;
  readonly #useAppointment: Statement<[string, string]>;
  readonly #addAppointment: Statement;
  readonly #insertPrintJob: Statement<[string, number]>;

  constructor(ctx: QueueContext) {
    this.#ctx = ctx;
    this.#takeNumber = ctx.db.prepare(`INSERT INTO ticket_numbers (day, prefix, last) VALUES (?, ?, 1)
      ON CONFLICT (day, prefix) DO UPDATE SET last = last + 1 RETURNING last`);
    this.#insertTicket = ctx.db.prepare(`INSERT INTO tickets (id, day, prefix, seq_no, number, service_id, category, status, language,
      issued_at, arrived_at, appointment_ref, appointment_at, people_ahead, quoted_low_min, quoted_high_min)
      VALUES (@id, @day, @prefix, @seq_no, @number, @service_id, @category, 'waiting', @language,
      @issued_at, @arrived_at, @appointment_ref, @appointment_at, @people_ahead, @quoted_low_min, @quoted_high_min)`);
    this.#appointment = ctx.db.prepare('SELECT reference, service_id, at, ticket_id FROM appointments WHERE reference = ?');
    this.#useAppointment = ctx.db.prepare('UPDATE appointments SET ticket_id = ? WHERE reference = ?');
    this.#insertPrintJob = ctx.db.prepare("INSERT INTO print_jobs (ticket_id, state, created_at) VALUES (?, 'pending', ?)");
    this.#addAppointment = ctx.db.prepare('INSERT OR IGNORE INTO appointments (reference, service_id, at, name, added_at) VALUES (?, ?, ?, ?, ?)');
  }

  issue(command: IssueCommand, time: QueueTime): QueueResult {
    const service = this.#ctx.rules.service(command.serviceId);
    if (!service) return unknownService(command.serviceId);
    const refusal = this.#refusalFor(service, time, { capApplies: true });
    if (refusal) return refusal;
    const row = this.#create({ service, category: command.category, language: command.language, appointmentRef: null, appointmentAt: null }, time);
    return { ok: true, ticket: ticketView(row) };
  }

  /**
   * An appointment checked in on time queues as `appointment` (called first from its
   * booked time); checked in too late it queues as a walk-in, keeping its reference.
   */
  checkIn(command: CheckInCommand, time: QueueTime): QueueResult {
    const appointment = this.#appointment.get(command.reference) as AppointmentRow | undefined;
    if (!appointment) {
      return refuse('unknown_appointment', `No appointment has the reference "${command.reference}".`, {
        en: `We could not find an appointment with the reference ${command.reference}. Please check it, or ask at the information desk.`,
        sw: `Hatukupata miadi yenye namba ${command.reference}. Tafadhali hakikisha namba, au uliza kwenye dawati la maulizo.`,
      });
    }
    if (appointment.ticket_id !== null) {
      const number = this.#ctx.queries.ticket(appointment.ticket_id)?.number ?? appointment.ticket_id;
      return refuse('appointment_used', `Appointment ${appointment.reference} was already checked in (ticket ${appointment.ticket_id}).`, {
        en: `This appointment has already been confirmed (ticket ${number}). Please wait for that number to be called.`,
        sw: `Miadi hii tayari imethibitishwa (tiketi ${number}). Tafadhali subiri namba hiyo iitwe.`,
      });
    }
    const { queue } = this.#ctx.rules;
    const opensAt = appointment.at - queue.appointmentEarlyMin * MINUTE_MS;
    if (time.atMs < opensAt) return tooEarly(appointment, opensAt, time);
    const service = this.#ctx.rules.service(appointment.service_id);
    if (!service) return unknownService(appointment.service_id);
    const late = time.atMs > appointment.at + queue.appointmentLateMin * MINUTE_MS;
    // The daily cap is for walk-ins: the kiosk's own answer to a capped service is "book
    // an appointment", so a booking checked in on time is never turned away by it.
    const refusal = this.#refusalFor(service, time, { capApplies: late });
    if (refusal) return refusal;
    const row = this.#create(
      late
        ? { service, category: 'regular', language: command.language, appointmentRef: appointment.reference, appointmentAt: null }
        : { service, category: 'appointment', language: command.language, appointmentRef: appointment.reference, appointmentAt: appointment.at },
      time,
    );
    this.#useAppointment.run(row.id, appointment.reference);
    return { ok: true, ticket: ticketView(row) };
  }

  /** New references are added; ones already known are left as they are. */
  addAppointments(command: AddAppointmentsCommand, time: QueueTime): QueueResult {
    const unknown = command.appointments.find((appointment) => !this.#ctx.rules.service(appointment.serviceId));
    if (unknown) {
      return refuse('unknown_service', `Appointment ${unknown.reference} is for service "${unknown.serviceId}", which this centre does not offer; no appointments were added.`);
    }
    let added = 0;
    for (const appointment of command.appointments) {
      added += this.#addAppointment.run(appointment.reference, appointment.serviceId, appointment.atMs, appointment.name, time.atMs).changes;
    }
    return { ok: true, ticket: null, added };
  }

  /** Suspension, opening hours and daily cap, in that order (the kiosk shows the first that applies). */
  #refusalFor(service: ServiceConfig, time: QueueTime, options: { capApplies: boolean }): QueueRefusal | null {
    const label = `Service "${service.id}" (${service.names.en})`;
    const suspension = this.#ctx.queries.suspension(service);
    if (suspension) return refuse('service_suspended', `${label} is suspended: ${suspension.en}`, suspension);
    if (!isWithinOpeningHours(service, time)) {
      return refuse('service_closed', `${label} is closed now; it issues tickets ${openingHoursText(service)}.`, closedMessages(service, time));
    }
    if (options.capApplies && service.dailyCap !== undefined && this.#ctx.queries.issuedCount(time.day, service) >= service.dailyCap) {
      return refuse('service_capped', `${label} has issued its daily cap of ${service.dailyCap} tickets for ${time.day}.`, CAPPED_MESSAGE);
    }
    return null;
  }

  #create(ticket: NewTicket, time: QueueTime): TicketRow {
    const { service } = ticket;
    const { queries, outbox } = this.#ctx;
    const peopleAhead = queries.waitingCount(time.day, service.id);
    // Priority tickets and due appointments wait only behind their own line (call-order.ts).
    const goesFirst = callLine({ category: ticket.category, appointmentAt: ticket.appointmentAt }, time.atMs) !== 'regular';
    const quote = queries.quoteWait(service, goesFirst, queries.queueNow(time.day, time.atMs));
    const seqNo = (this.#takeNumber.get(time.day, service.prefix) as { last: number }).last;
    const number = ticketNumber(service.prefix, seqNo);
    const row = {
      id: ticketId(time.day, number),
      day: time.day,
      prefix: service.prefix,
      seq_no: seqNo,
      number,
      service_id: service.id,
      category: ticket.category,
      language: ticket.language,
      issued_at: time.atMs,
      arrived_at: time.atMs,
      appointment_ref: ticket.appointmentRef,
      appointment_at: ticket.appointmentAt,
      people_ahead: peopleAhead,
      quoted_low_min: quote?.lowMin ?? null,
      quoted_high_min: quote?.highMin ?? null,
    };
    this.#insertTicket.run(row);
    this.#insertPrintJob.run(row.id, time.atMs);
    outbox.append(
      {
        type: 'ticket.issued',
        data: { ticketId: row.id, number, serviceId: service.id, day: time.day, category: ticket.category, appointmentRef: ticket.appointmentRef, peopleAhead, quotedWait: quote, language: ticket.language },
      },
      time.atMs,
    );
    return queries.ticket(row.id)!;
  }
}

function unknownService(serviceId: string): QueueRefusal {
  return refuse('unknown_service', `There is no service "${serviceId}" in this centre's config.`, {
    en: 'This service is not offered at this centre.',
    sw: 'Huduma hii haitolewi katika kituo hiki.',
  });
}

function tooEarly(appointment: AppointmentRow, opensAt: number, time: QueueTime): QueueRefusal {
  // Swahili hours and DD/MM/YYYY dates (docs/queue.md, "Times and dates in Kiswahili").
  const when = (atMs: number) => {
    const local = localDateTime(atMs, time);
    const [hour, minute] = local.clock.split(':').map(Number) as [number, number];
    const at = timeWords(hour, minute);
    if (local.day === time.day) return { en: `at ${at.en}`, sw: at.sw };
    const date = dateWords(local.day, weekdayOf(local.day));
    return { en: `on ${date.en} at ${at.en}`, sw: `${date.sw}, ${at.sw}` };
  };
  const booked = when(appointment.at);
  const opens = when(opensAt);
  return refuse('appointment_too_early', `Appointment ${appointment.reference} is ${booked.en}; check-in opens ${opens.en}.`, {
    en: `Your appointment is ${booked.en}. Check-in opens ${opens.en}; please come back then.`,
    sw: `Miadi yako ni ${booked.sw}. Uthibitisho wa miadi unaanza ${opens.sw}; tafadhali rudi wakati huo.`,
  });
}
