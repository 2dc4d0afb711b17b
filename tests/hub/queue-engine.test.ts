import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MONDAY, nairobi, QueueHarness, testRules } from './queue-fixture.ts';

let h: QueueHarness;
beforeEach(() => {
  h = new QueueHarness();
});
afterEach(() => h.close());

const at = (clock: string) => `${MONDAY}T${clock}`;
const ticketRow = (id: string) => h.db.prepare('SELECT * FROM tickets WHERE id = ?').get(id) as Record<string, unknown>;

describe('queue engine: call order', () => {
  it('priority interleave (priorityRun 2): R1,R2,P1,P2,P3,R3 waiting are called P1,P2,R1,P3,R2,R3', () => {
    h.issue('alpha', at('09:00')); // A001 R1
    h.issue('alpha', at('09:01')); // A002 R2
    h.issue('alpha', at('09:02'), 'elderly'); // A003 P1
    h.issue('alpha', at('09:03'), 'disability'); // A004 P2
    h.issue('alpha', at('09:04'), 'pregnancy'); // A005 P3
    h.issue('alpha', at('09:05')); // A006 R3
    const called = ['09:10', '09:11', '09:12', '09:13', '09:14', '09:15', '09:16'].map((clock) => h.callNext('k1', at(clock)));
    expect(called).toEqual(['A003', 'A004', 'A001', 'A005', 'A002', 'A006', null]);
    // Each Next finished the ticket before it.
    expect(h.db.prepare("SELECT number FROM tickets WHERE status = 'finished' ORDER BY finished_at").pluck().all()).toEqual(['A003', 'A004', 'A001', 'A005', 'A002', 'A006']);
  });

  it('a transferred ticket keeps its number and is placed by its original arrival in the new service', () => {
    h.issue('beta', at('09:00')); // B001
    const a1 = h.issue('alpha', at('09:05')); // A001
    h.issue('beta', at('09:10')); // B002
    h.issue('beta', at('09:20')); // B003
    expect(h.callNext('k1', at('09:30'))).toBe('A001');

    const same = h.apply({ kind: 'transfer', counterId: 'k1', toServiceId: 'alpha', reason: null }, at('09:31'));
    expect(same).toMatchObject({ ok: false, code: 'same_service' });
    const unknown = h.apply({ kind: 'transfer', counterId: 'k1', toServiceId: 'nope', reason: null }, at('09:31'));
    expect(unknown).toMatchObject({ ok: false, code: 'unknown_service' });

    const moved = h.ok({ kind: 'transfer', counterId: 'k1', toServiceId: 'beta', reason: 'needs a birth certificate first' }, at('09:31'))!;
    expect(moved).toMatchObject({ id: '20261207-A001', number: 'A001', serviceId: 'beta', status: 'waiting', calls: 0, counterId: null, calledAt: null, arrivedAt: a1.arrivedAt, issuedAt: a1.issuedAt });
    expect(ticketRow(a1.id)).toMatchObject({ transfers: 1, officer_id: null });
    expect(h.reader.counters().find((c) => c.id === 'k1')?.current).toBeNull();
    expect(h.callNext('k1', at('09:32'))).toBeNull();

    // Beta by arrival: B001 (09:00), A001 (09:05), B002 (09:10), B003 (09:20).
    expect(['09:40', '09:41', '09:42', '09:43'].map((clock) => h.callNext('k3', at(clock)))).toEqual(['B001', 'A001', 'B002', 'B003']);

    // A ticket being served can be transferred too.
    h.ok({ kind: 'start', counterId: 'k3' }, at('09:44'));
    expect(h.ok({ kind: 'transfer', counterId: 'k3', toServiceId: 'alpha', reason: null }, at('09:45'))).toMatchObject({ number: 'B003', serviceId: 'alpha', status: 'waiting' });
    expect(h.db.prepare('SELECT counter_id, service_id, outcome FROM ticket_visits WHERE ticket_id = ? ORDER BY id').all(a1.id)).toEqual([
      { counter_id: 'k1', service_id: 'alpha', outcome: 'transferred' },
      { counter_id: 'k3', service_id: 'beta', outcome: 'finished' },
    ]);
  });

  it('recall is limited (maxRecalls 2) and a no-show needs noShowAfterCalls (2) calls', () => {
    h.issue('alpha', at('09:00'));
    h.issue('alpha', at('09:01'));
    expect(h.apply({ kind: 'recall', counterId: 'k1' }, at('09:05'))).toMatchObject({ ok: false, code: 'no_current_ticket' });
    expect(h.callNext('k1', at('09:10'))).toBe('A001');
    expect(h.apply({ kind: 'no_show', counterId: 'k1' }, at('09:11'))).toMatchObject({ ok: false, code: 'not_enough_calls' });
    expect(h.ok({ kind: 'recall', counterId: 'k1' }, at('09:12'))).toMatchObject({ number: 'A001', calls: 2, status: 'called' });
    expect(h.ok({ kind: 'recall', counterId: 'k1' }, at('09:13'))).toMatchObject({ calls: 3 });
    const limit = h.apply({ kind: 'recall', counterId: 'k1' }, at('09:14'));
    expect(limit).toMatchObject({ ok: false, code: 'recall_limit' });
    expect(!limit.ok && limit.message).toMatch(/no-show/);
    expect(h.ok({ kind: 'no_show', counterId: 'k1' }, at('09:15'))).toMatchObject({ number: 'A001', status: 'no_show', calls: 3 });
    expect(h.reader.counters().find((c) => c.id === 'k1')?.current).toBeNull();
    expect(h.apply({ kind: 'no_show', counterId: 'k1' }, at('09:16'))).toMatchObject({ ok: false, code: 'no_current_ticket' });

    // A ticket being served is neither recalled nor a no-show.
    expect(h.callNext('k1', at('09:20'))).toBe('A002');
    h.ok({ kind: 'start', counterId: 'k1' }, at('09:21'));
    expect(h.apply({ kind: 'recall', counterId: 'k1' }, at('09:22'))).toMatchObject({ ok: false, code: 'no_current_ticket' });
    expect(h.apply({ kind: 'no_show', counterId: 'k1' }, at('09:22'))).toMatchObject({ ok: false, code: 'no_current_ticket' });
    expect(h.db.prepare("SELECT outcome FROM ticket_visits WHERE ticket_id = '20261207-A001'").pluck().all()).toEqual(['no_show']);
  });

  it('other recall and no-show settings are honoured (maxRecalls 0, noShowAfterCalls 1)', () => {
    h.reopen(testRules((config) => void (config.queue = { maxRecalls: 0, noShowAfterCalls: 1 })));
    h.issue('alpha', at('09:00'));
    h.callNext('k1', at('09:01'));
    expect(h.apply({ kind: 'recall', counterId: 'k1' }, at('09:02'))).toMatchObject({ ok: false, code: 'recall_limit' });
    expect(h.ok({ kind: 'no_show', counterId: 'k1' }, at('09:03'))).toMatchObject({ status: 'no_show', calls: 1 });
  });
});

describe('queue engine: appointments', () => {
  const booking = (reference: string, clock: string, serviceId = 'alpha') => ({ reference, serviceId, atMs: nairobi(at(clock)).atMs, name: null });
  const checkIn = (reference: string, clock: string) => h.apply({ kind: 'check_in', reference, language: 'en' }, at(clock));

  it('an appointment is a walk-in by arrival before its time and goes first from its time', () => {
    expect(h.ok({ kind: 'add_appointments', appointments: [booking('APT-EARLY', '11:00'), booking('APT-ONTIME', '10:00')] }, at('08:00'))).toBeNull();
    h.issue('alpha', at('09:00')); // A001
    expect(checkIn('APT-EARLY', '09:05')).toMatchObject({ ok: true, ticket: { number: 'A002', category: 'appointment', appointmentRef: 'APT-EARLY' } });
    h.issue('alpha', at('09:10')); // A003
    expect(checkIn('apt-ontime', '09:30')).toMatchObject({ ok: true, ticket: { number: 'A004', category: 'appointment', appointmentAt: new Date(nairobi(at('10:00')).atMs).toISOString() } });
    h.issue('alpha', at('09:40')); // A005
    expect(h.callNext('k1', at('09:50'))).toBe('A001'); // nothing due: by arrival
    expect(h.callNext('k1', at('09:55'))).toBe('A002'); // APT-EARLY (11:00) arrived before A003
    expect(h.callNext('k1', at('10:00'))).toBe('A004'); // APT-ONTIME is due: ahead of A003, which arrived earlier
    expect(h.callNext('k1', at('10:05'))).toBe('A003');
    expect(h.callNext('k1', at('10:10'))).toBe('A005');
  });

  it('late check-in queues as a walk-in with its reference; on the late limit it is still an appointment; too early is refused', () => {
    h.ok({ kind: 'add_appointments', appointments: [booking('APT-LATE', '09:00'), booking('APT-EDGE', '09:00'), booking('APT-LATER', '14:00')] }, at('08:00'));
    // appointmentLateMin 30: 09:30 is on time, 09:30:01 is late.
    expect(checkIn('APT-EDGE', '09:30')).toMatchObject({ ok: true, ticket: { category: 'appointment' } });
    expect(checkIn('APT-LATE', '09:30:01')).toMatchObject({ ok: true, ticket: { category: 'regular', appointmentRef: 'APT-LATE', appointmentAt: null } });
    // appointmentEarlyMin 120: check-in for 14:00 opens at 12:00.
    const early = checkIn('APT-LATER', '11:59');
    expect(early).toMatchObject({ ok: false, code: 'appointment_too_early' });
    if (early.ok) return;
    expect(early.messages?.en).toBe('Your appointment is at 14:00. Check-in opens at 12:00; please come back then.');
    expect(early.messages?.sw).toBe('Miadi yako ni saa 8 mchana (14:00). Uthibitisho wa miadi unaanza saa 6 mchana (12:00); tafadhali rudi wakati huo.');
    expect(checkIn('APT-LATER', '12:00')).toMatchObject({ ok: true, ticket: { category: 'appointment' } });
    expect(checkIn('APT-LATER', '12:01')).toMatchObject({ ok: false, code: 'appointment_used', messages: { en: 'This appointment has already been confirmed (ticket A003). Please wait for that number to be called.', sw: 'Miadi hii tayari imethibitishwa (tiketi A003). Tafadhali subiri namba hiyo iitwe.' } });
    expect(checkIn('NOPE-1', '12:02')).toMatchObject({ ok: false, code: 'unknown_appointment', messages: { en: expect.stringContaining('NOPE-1') } });
    expect(h.db.prepare('SELECT reference, ticket_id FROM appointments ORDER BY reference').all()).toEqual([
      { reference: 'APT-EDGE', ticket_id: '20261207-A001' },
      { reference: 'APT-LATE', ticket_id: '20261207-A002' },
      { reference: 'APT-LATER', ticket_id: '20261207-A003' },
    ]);
  });

  it('an appointment on another day is named with its date when too early', () => {
    h.ok({ kind: 'add_appointments', appointments: [{ reference: 'NEXT-DAY', serviceId: 'alpha', atMs: nairobi('2026-12-08T09:00').atMs, name: 'Achieng' }] }, at('08:00'));
    // DD/MM/YYYY with the weekday and the Swahili hour (docs/queue.md, "Times and dates in Kiswahili").
    expect(checkIn('NEXT-DAY', '15:00')).toMatchObject({
      ok: false,
      messages: {
        en: 'Your appointment is on Tuesday 08/12/2026 at 09:00. Check-in opens on Tuesday 08/12/2026 at 07:00; please come back then.',
        sw: 'Miadi yako ni Jumanne 08/12/2026, saa 3 asubuhi (09:00). Uthibitisho wa miadi unaanza Jumanne 08/12/2026, saa 1 asubuhi (07:00); tafadhali rudi wakati huo.',
      },
    });
  });

  it('add_appointments adds new references, leaves known ones as they are, and refuses an unknown service whole', () => {
    expect(h.apply({ kind: 'add_appointments', appointments: [booking('REF-1', '10:00'), booking('REF-2', '11:00')] }, at('08:00'))).toEqual({ ok: true, ticket: null, added: 2 });
    expect(h.apply({ kind: 'add_appointments', appointments: [booking('ref-1', '15:00'), booking('REF-3', '12:00')] }, at('08:01'))).toEqual({ ok: true, ticket: null, added: 1 });
    expect(h.db.prepare("SELECT at FROM appointments WHERE reference = 'REF-1'").pluck().get()).toBe(nairobi(at('10:00')).atMs);
    const refused = h.apply({ kind: 'add_appointments', appointments: [booking('REF-4', '12:00'), booking('REF-5', '12:00', 'nope')] }, at('08:02'));
    expect(refused).toMatchObject({ ok: false, code: 'unknown_service', message: expect.stringContaining('REF-5') });
    expect(h.db.prepare('SELECT COUNT(*) FROM appointments').pluck().get()).toBe(3);
  });
});

describe('queue engine: numbers and days', () => {
  it('numbers are gap-free per prefix per day; a new day starts at 001 and only today is called', () => {
    expect([h.issue('alpha', at('09:00')), h.issue('beta', at('09:01')), h.issue('alpha', at('09:02')), h.issue('beta', at('09:03')), h.issue('alpha', at('09:04'))].map((t) => t.id)).toEqual([
      '20261207-A001',
      '20261207-B001',
      '20261207-A002',
      '20261207-B002',
      '20261207-A003',
    ]);
    const tuesday = h.issue('alpha', '2026-12-08T08:00');
    expect(tuesday).toMatchObject({ id: '20261208-A001', number: 'A001', day: '2026-12-08', peopleAhead: 0 });
    // Yesterday's three waiting alpha tickets are not called today.
    expect(h.callNext('k1', '2026-12-08T08:05')).toBe('A001');
    expect(h.ok({ kind: 'call_next', counterId: 'k1', officerId: null }, '2026-12-08T08:10')).toBeNull();
    expect(h.db.prepare("SELECT COUNT(*) FROM tickets WHERE day = '2026-12-07' AND status = 'waiting'").pluck().get()).toBe(5);
  });

  it('goes from A999 to A1000', () => {
    let last = '';
    for (let i = 0; i < 1000; i++) last = h.issue('alpha', at('09:00')).id;
    expect(last).toBe('20261207-A1000');
    expect(h.db.prepare("SELECT number FROM tickets WHERE seq_no IN (1, 999) ORDER BY seq_no").pluck().all()).toEqual(['A001', 'A999']);
  });

  it('a command that fails midway takes its number back with it (the savepoint rolls back)', () => {
    h.issue('alpha', at('09:00'));
    // An invalid language passes the types only by a cast; the ticket's CHECK refuses it after the number was taken.
    expect(() => h.apply({ kind: 'issue', serviceId: 'alpha', category: 'regular', language: 'fr' as 'en' }, at('09:01'))).toThrow();
    expect(h.issue('alpha', at('09:02')).number).toBe('A002');
    expect(h.events().filter((e) => e.type === 'ticket.issued')).toHaveLength(2);
  });
});
