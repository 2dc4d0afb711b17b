import { PRIORITY_CATEGORIES, type TicketCategory } from '../../../protocol/queue/ticket.ts';

/** A waiting ticket a counter could call, with what its place in the order depends on. */
export interface CallCandidate {
  id: string;
  category: TicketCategory;
  arrivedAt: number;
  appointmentAt: number | null;
  /** Issue order (the row id): breaks ties between tickets that arrived in the same millisecond. */
  order: number;
}

/**
 * The three lines a waiting ticket can stand in when a counter calls:
 * - `due_appointment`: a booked appointment whose time has come goes before everyone;
 * - `priority`: elderly, disability, pregnancy (Huduma Charter);
 * - `regular`: walk-ins, and appointments whose time has not come yet (until then they
 *   are walk-ins by arrival, so checking in early is no way to jump the queue).
 */
export type CallLine = 'due_appointment' | 'priority' | 'regular';

const PRIORITY = new Set<TicketCategory>(PRIORITY_CATEGORIES);

export function callLine(candidate: Pick<CallCandidate, 'category' | 'appointmentAt'>, nowMs: number): CallLine {
  if (candidate.category === 'appointment') {
    return candidate.appointmentAt !== null && candidate.appointmentAt <= nowMs ? 'due_appointment' : 'regular';
  }
  return PRIORITY.has(candidate.category) ? 'priority' : 'regular';
}

export interface CallChoice {
  ticketId: string;
  line: CallLine;
  /** The counter's priority run after this call. */
  priorityRun: number;
}

const byArrival = (a: CallCandidate, b: CallCandidate): number => a.arrivedAt - b.arrivedAt || a.order - b.order;
const byAppointment = (a: CallCandidate, b: CallCandidate): number => (a.appointmentAt ?? 0) - (b.appointmentAt ?? 0) || byArrival(a, b);

function first(candidates: readonly CallCandidate[], compare: (a: CallCandidate, b: CallCandidate) => number): CallCandidate | null {
  let best: CallCandidate | null = null;
  for (const candidate of candidates) if (best === null || compare(candidate, best) < 0) best = candidate;
  return best;
}

/**
 * Which ticket a counter calls next. Pure: the candidates are today's waiting tickets of
 * the counter's services (only each line's head matters, so a caller may pass just
 * those); `priorityRun` is how many priority tickets this counter called in a row.
 *
 * Due appointments go first, by booked time. Otherwise, when both priority and regular
 * tickets wait, the counter calls up to `maxPriorityRun` priority tickets in a row, then
 * the oldest regular one, so neither line starves; when only one line waits it is
 * called (and a regular call ends the run). A due appointment leaves the run as it is.
 */
export function chooseNextTicket(candidates: readonly CallCandidate[], priorityRun: number, maxPriorityRun: number, nowMs: number): CallChoice | null {
  const lines: Record<CallLine, CallCandidate[]> = { due_appointment: [], priority: [], regular: [] };
  for (const candidate of candidates) lines[callLine(candidate, nowMs)].push(candidate);

  const appointment = first(lines.due_appointment, byAppointment);
  if (appointment) return { ticketId: appointment.id, line: 'due_appointment', priorityRun };

  const priority = first(lines.priority, byArrival);
  const regular = first(lines.regular, byArrival);
  if (priority && (!regular || priorityRun < maxPriorityRun)) {
    return { ticketId: priority.id, line: 'priority', priorityRun: priorityRun + 1 };
  }
  if (regular) return { ticketId: regular.id, line: 'regular', priorityRun: 0 };
  return null;
}
