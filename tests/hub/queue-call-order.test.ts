import { describe, expect, it } from 'vitest';
import type { TicketCategory } from '../../protocol/queue/ticket.ts';
import { callLine, chooseNextTicket, type CallCandidate } from '../../hub/queue/engine/call-order.ts';

const MIN = 60_000;
let order = 0;
const ticket = (id: string, category: TicketCategory, arrivedMin: number, appointmentMin: number | null = null): CallCandidate => ({
  id,
  category,
  arrivedAt: arrivedMin * MIN,
  appointmentAt: appointmentMin === null ? null : appointmentMin * MIN,
  order: ++order,
});

/** Calls until nobody is left, as a counter would; returns the ids in call order. */
function drain(waiting: CallCandidate[], maxRun: number, nowMin = 1000, run = 0): string[] {
  const left = [...waiting];
  const called: string[] = [];
  for (;;) {
    const choice = chooseNextTicket(left, run, maxRun, nowMin * MIN);
    if (!choice) return called;
    called.push(choice.ticketId);
    run = choice.priorityRun;
    left.splice(left.findIndex((t) => t.id === choice.ticketId), 1);
  }
}

describe('call order (pure)', () => {
  it('priorityRun 2: R1,R2,P1,P2,P3,R3 waiting are called P1,P2,R1,P3,R2,R3', () => {
    const waiting = [ticket('R1', 'regular', 1), ticket('R2', 'regular', 2), ticket('P1', 'elderly', 3), ticket('P2', 'disability', 4), ticket('P3', 'pregnancy', 5), ticket('R3', 'regular', 6)];
    expect(drain(waiting, 2)).toEqual(['P1', 'P2', 'R1', 'P3', 'R2', 'R3']);
  });

  it('priorityRun 1 alternates while both lines wait; 3 takes three priority tickets per walk-in', () => {
    const waiting = () => [ticket('R1', 'regular', 1), ticket('R2', 'regular', 2), ticket('P1', 'elderly', 3), ticket('P2', 'elderly', 4), ticket('P3', 'elderly', 5), ticket('P4', 'elderly', 6)];
    expect(drain(waiting(), 1)).toEqual(['P1', 'R1', 'P2', 'R2', 'P3', 'P4']);
    expect(drain(waiting(), 3)).toEqual(['P1', 'P2', 'P3', 'R1', 'P4', 'R2']);
  });

  it('a run carried in from earlier calls counts: at the limit a walk-in goes next and the run resets', () => {
    const waiting = [ticket('R1', 'regular', 1), ticket('P1', 'elderly', 2)];
    expect(chooseNextTicket(waiting, 2, 2, 0)).toEqual({ ticketId: 'R1', line: 'regular', priorityRun: 0 });
    expect(chooseNextTicket(waiting, 1, 2, 0)).toEqual({ ticketId: 'P1', line: 'priority', priorityRun: 2 });
    // Only priority tickets waiting: called even beyond the run (nobody is skipped).
    expect(chooseNextTicket([ticket('P2', 'elderly', 3)], 5, 2, 0)).toEqual({ ticketId: 'P2', line: 'priority', priorityRun: 6 });
    expect(chooseNextTicket([], 0, 2, 0)).toBeNull();
  });

  it('appointments: walk-ins by arrival before their time, first from their time (earliest booking first); the run is kept', () => {
    const early = ticket('APT10', 'appointment', 5, 600); // booked 10:00, checked in at 00:05
    const later = ticket('APT9', 'appointment', 8, 540); // booked 09:00
    const walkIn = ticket('R1', 'regular', 1);
    const lateWalkIn = ticket('R2', 'regular', 7);
    expect(callLine(early, 599 * MIN)).toBe('regular');
    expect(callLine(early, 600 * MIN)).toBe('due_appointment');
    expect(drain([early, later, walkIn, lateWalkIn], 2, 100)).toEqual(['R1', 'APT10', 'R2', 'APT9']);
    expect(drain([early, later, walkIn, lateWalkIn], 2, 600)).toEqual(['APT9', 'APT10', 'R1', 'R2']);
    expect(chooseNextTicket([early, ticket('P1', 'elderly', 0)], 1, 2, 600 * MIN)).toEqual({ ticketId: 'APT10', line: 'due_appointment', priorityRun: 1 });
  });

  it('equal arrival times are broken by issue order', () => {
    const a = ticket('second', 'regular', 1);
    const b = { ...ticket('first', 'regular', 1), order: 0 };
    expect(chooseNextTicket([a, b], 0, 2, 0)?.ticketId).toBe('first');
  });
});
