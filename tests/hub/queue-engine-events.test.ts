import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueueCommand } from '../../hub/queue/commands.ts';
import { MONDAY, nairobi, QueueHarness } from './queue-fixture.ts';

let h: QueueHarness;
beforeEach(() => {
  h = new QueueHarness();
});
afterEach(() => h.close());

const at = (clock: string) => `${MONDAY}T${clock}`;
const A = (n: string) => ({ ticketId: `20261207-A${n}`, number: `A${n}`, serviceId: 'alpha' });

/** Applies the command and returns the events it wrote (type and data). */
function eventsOf(command: QueueCommand, clock: string): Array<{ type: string; data: Record<string, unknown> }> {
  const before = h.lastSeq();
  const result = h.apply(command, at(clock));
  if (!result.ok) expect.fail(`${command.kind} was refused: ${result.message}`);
  return h.events(before).map(({ type, data }) => ({ type, data }));
}

describe('queue engine: outbox events', () => {
  it('every state change writes exactly its event; repeating a command writes none', () => {
    expect(eventsOf({ kind: 'open_counter', counterId: 'k1', officerId: 'off-1' }, '09:00')).toEqual([{ type: 'counter.opened', data: { counterId: 'k1', officerId: 'off-1' } }]);
    expect(eventsOf({ kind: 'open_counter', counterId: 'k1', officerId: 'off-1' }, '09:00')).toEqual([]);
    // Nobody ahead and k1 free: 0–1 min.
    expect(eventsOf({ kind: 'issue', serviceId: 'alpha', category: 'elderly', language: 'sw' }, '09:05')).toEqual([
      { type: 'ticket.issued', data: { ...A('001'), day: MONDAY, category: 'elderly', appointmentRef: null, peopleAhead: 0, quotedWait: { lowMin: 0, highMin: 1 }, language: 'sw' } },
    ]);
    // The counter's officer is named when the call does not name one; waited 55 min.
    expect(eventsOf({ kind: 'call_next', counterId: 'k1', officerId: null }, '10:00')).toEqual([{ type: 'ticket.called', data: { ...A('001'), counterId: 'k1', officerId: 'off-1', waitedS: 3300 } }]);
    expect(eventsOf({ kind: 'recall', counterId: 'k1' }, '10:00:30')).toEqual([{ type: 'ticket.recalled', data: { ...A('001'), counterId: 'k1', calls: 2 } }]);
    expect(eventsOf({ kind: 'start', counterId: 'k1' }, '10:01')).toEqual([{ type: 'ticket.started', data: { ...A('001'), counterId: 'k1' } }]);
    expect(eventsOf({ kind: 'start', counterId: 'k1' }, '10:02')).toEqual([]);
    expect(eventsOf({ kind: 'finish', counterId: 'k1' }, '10:07:30')).toEqual([{ type: 'ticket.finished', data: { ...A('001'), counterId: 'k1', serviceS: 390 } }]);
    // EWMA with alpha 0.2 from 300 s (var 150²): 300 + 0.2·90 = 318; var 0.8·(22500 + 90·18).
    expect(h.db.prepare('SELECT * FROM service_time_stats').all()).toEqual([{ service_id: 'alpha', mean_s: 318, var_s2: 19296, samples: 1 }]);

    expect(eventsOf({ kind: 'pause_counter', counterId: 'k1', reason: 'tea' }, '10:10')).toEqual([{ type: 'counter.paused', data: { counterId: 'k1', reason: 'tea' } }]);
    expect(eventsOf({ kind: 'pause_counter', counterId: 'k1', reason: 'tea' }, '10:11')).toEqual([]);
    expect(eventsOf({ kind: 'pause_counter', counterId: 'k1', reason: 'system down' }, '10:12')).toEqual([{ type: 'counter.paused', data: { counterId: 'k1', reason: 'system down' } }]);
    expect(eventsOf({ kind: 'open_counter', counterId: 'k1', officerId: 'off-1' }, '10:20')).toEqual([{ type: 'counter.opened', data: { counterId: 'k1', officerId: 'off-1' } }]);
    expect(eventsOf({ kind: 'open_counter', counterId: 'k1', officerId: 'off-2' }, '10:21')).toEqual([{ type: 'counter.opened', data: { counterId: 'k1', officerId: 'off-2' } }]);
    expect(eventsOf({ kind: 'close_counter', counterId: 'k1' }, '10:22')).toEqual([{ type: 'counter.closed', data: { counterId: 'k1' } }]);
    expect(eventsOf({ kind: 'close_counter', counterId: 'k1' }, '10:23')).toEqual([]);
    expect(h.reader.counters()[0]).toMatchObject({ id: 'k1', state: 'closed', pauseReason: null });
    // The officer leaves with the closing (stored state; the public view names no officer).
    expect(h.db.prepare("SELECT officer_id FROM counter_state WHERE counter_id = 'k1'").get()).toEqual({ officer_id: null });

    const message = { en: 'The Alpha system is down.', sw: 'Mfumo wa Alpha haufanyi kazi.' };
    expect(eventsOf({ kind: 'suspend_service', serviceId: 'alpha', message }, '10:30')).toEqual([{ type: 'service.suspended', data: { serviceId: 'alpha', message } }]);
    expect(eventsOf({ kind: 'suspend_service', serviceId: 'alpha', message }, '10:31')).toEqual([]);
    expect(eventsOf({ kind: 'resume_service', serviceId: 'alpha' }, '10:32')).toEqual([{ type: 'service.resumed', data: { serviceId: 'alpha' } }]);
    expect(eventsOf({ kind: 'resume_service', serviceId: 'alpha' }, '10:33')).toEqual([]);
    expect(eventsOf({ kind: 'resume_service', serviceId: 'delta' }, '10:34')).toEqual([{ type: 'service.resumed', data: { serviceId: 'delta' } }]);

    // No-show and transfer at k2 (open by default, no officer).
    eventsOf({ kind: 'issue', serviceId: 'alpha', category: 'regular', language: 'en' }, '10:40');
    expect(eventsOf({ kind: 'call_next', counterId: 'k2', officerId: 'off-3' }, '10:41')).toEqual([{ type: 'ticket.called', data: { ...A('002'), counterId: 'k2', officerId: 'off-3', waitedS: 60 } }]);
    eventsOf({ kind: 'recall', counterId: 'k2' }, '10:42');
    expect(eventsOf({ kind: 'no_show', counterId: 'k2' }, '10:43')).toEqual([{ type: 'ticket.no_show', data: { ...A('002'), counterId: 'k2', calls: 2 } }]);
    eventsOf({ kind: 'issue', serviceId: 'alpha', category: 'regular', language: 'en' }, '10:44');
    eventsOf({ kind: 'call_next', counterId: 'k2', officerId: null }, '10:45');
    expect(eventsOf({ kind: 'transfer', counterId: 'k2', toServiceId: 'beta', reason: null }, '10:46')).toEqual([
      { type: 'ticket.transferred', data: { ...A('003'), toServiceId: 'beta', counterId: 'k2', reason: null } },
    ]);
    // Next with a ticket still at the counter: ticket.finished first, then ticket.called.
    eventsOf({ kind: 'call_next', counterId: 'k3', officerId: null }, '10:50');
    eventsOf({ kind: 'issue', serviceId: 'beta', category: 'regular', language: 'en' }, '10:51');
    expect(eventsOf({ kind: 'call_next', counterId: 'k3', officerId: null }, '10:55').map((e) => [e.type, e.data.number])).toEqual([
      ['ticket.finished', 'A003'],
      ['ticket.called', 'B001'],
    ]);

    // Check-in: ticket.issued naming the appointment.
    eventsOf({ kind: 'add_appointments', appointments: [{ reference: 'BK-77', serviceId: 'beta', atMs: nairobi(at('11:00')).atMs, name: null }] }, '10:56');
    expect(eventsOf({ kind: 'check_in', reference: 'BK-77', language: 'en' }, '10:57')).toEqual([
      { type: 'ticket.issued', data: { ticketId: '20261207-B002', number: 'B002', serviceId: 'beta', day: MONDAY, category: 'appointment', appointmentRef: 'BK-77', peopleAhead: 0, quotedWait: expect.any(Object), language: 'en' } },
    ]);
    // Events carry the command's time.
    expect(h.events().at(-1)?.at).toBe(nairobi(at('10:57')).atMs);
  });

  it('a refused command writes nothing at all, and says why in a sentence (with en/sw for the kiosk)', () => {
    h.ok({ kind: 'add_appointments', appointments: [{ reference: 'LATER-1', serviceId: 'alpha', atMs: nairobi(at('15:00')).atMs, name: null }, { reference: 'USED-1', serviceId: 'alpha', atMs: nairobi(at('09:00')).atMs, name: null }] }, at('08:00'));
    h.ok({ kind: 'check_in', reference: 'USED-1', language: 'en' }, at('08:30'));
    for (let i = 0; i < 4; i++) h.issue('alpha', at('08:31'));
    for (let i = 0; i < 3; i++) h.issue('gamma', at('08:32'));
    h.callNext('k1', at('09:00'));
    h.ok({ kind: 'recall', counterId: 'k1' }, at('09:01'));
    h.ok({ kind: 'recall', counterId: 'k1' }, at('09:02'));
    h.callNext('k2', at('09:03'));
    h.ok({ kind: 'pause_counter', counterId: 'k3', reason: 'lunch' }, at('09:04'));

    const refused: Array<[QueueCommand, string, 'kiosk' | 'staff']> = [
      [{ kind: 'issue', serviceId: 'nope', category: 'regular', language: 'en' }, 'unknown_service', 'kiosk'],
      [{ kind: 'issue', serviceId: 'delta', category: 'regular', language: 'en' }, 'service_suspended', 'kiosk'],
      [{ kind: 'issue', serviceId: 'gamma', category: 'regular', language: 'en' }, 'service_capped', 'kiosk'],
      [{ kind: 'check_in', reference: 'NOPE-9', language: 'sw' }, 'unknown_appointment', 'kiosk'],
      [{ kind: 'check_in', reference: 'USED-1', language: 'en' }, 'appointment_used', 'kiosk'],
      [{ kind: 'check_in', reference: 'LATER-1', language: 'en' }, 'appointment_too_early', 'kiosk'],
      [{ kind: 'call_next', counterId: 'k9', officerId: null }, 'unknown_counter', 'staff'],
      [{ kind: 'call_next', counterId: 'k3', officerId: null }, 'counter_not_open', 'staff'],
      [{ kind: 'recall', counterId: 'k3' }, 'no_current_ticket', 'staff'],
      [{ kind: 'start', counterId: 'k3' }, 'no_current_ticket', 'staff'],
      [{ kind: 'finish', counterId: 'k3' }, 'no_current_ticket', 'staff'],
      [{ kind: 'no_show', counterId: 'k3' }, 'no_current_ticket', 'staff'],
      [{ kind: 'transfer', counterId: 'k3', toServiceId: 'alpha', reason: null }, 'no_current_ticket', 'staff'],
      [{ kind: 'recall', counterId: 'k1' }, 'recall_limit', 'staff'],
      [{ kind: 'no_show', counterId: 'k2' }, 'not_enough_calls', 'staff'],
      [{ kind: 'transfer', counterId: 'k1', toServiceId: 'alpha', reason: null }, 'same_service', 'staff'],
      [{ kind: 'transfer', counterId: 'k1', toServiceId: 'nope', reason: null }, 'unknown_service', 'staff'],
      [{ kind: 'pause_counter', counterId: 'k1', reason: 'tea' }, 'counter_busy', 'staff'],
      [{ kind: 'close_counter', counterId: 'k2' }, 'counter_busy', 'staff'],
      [{ kind: 'open_counter', counterId: 'k9', officerId: null }, 'unknown_counter', 'staff'],
      [{ kind: 'suspend_service', serviceId: 'nope', message: { en: 'x', sw: 'x' } }, 'unknown_service', 'staff'],
      [{ kind: 'resume_service', serviceId: 'nope' }, 'unknown_service', 'staff'],
      [{ kind: 'add_appointments', appointments: [{ reference: 'NEW-1', serviceId: 'nope', atMs: 0, name: null }] }, 'unknown_service', 'staff'],
    ];
    const before = h.dump();
    for (const [command, code, audience] of refused) {
      const result = h.apply(command, at('09:30'));
      expect(result, `${command.kind} → ${code}`).toMatchObject({ ok: false, code });
      if (result.ok) continue;
      expect(result.message).toMatch(/^[A-Z].{15,}[.]$/);
      if (audience === 'kiosk') expect(result.messages, `${command.kind} → ${code} has kiosk messages`).toEqual({ en: expect.stringMatching(/\S/), sw: expect.stringMatching(/\S/) });
    }
    expect(h.dump()).toEqual(before);
  });
});
