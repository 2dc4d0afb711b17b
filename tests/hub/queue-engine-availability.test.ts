import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueueResult } from '../../hub/queue/commands.ts';
import { MONDAY, nairobi, QueueHarness, testRules } from './queue-fixture.ts';

let h: QueueHarness;
beforeEach(() => {
  h = new QueueHarness();
});
afterEach(() => h.close());

const issue = (serviceId: string, when: string): QueueResult => h.apply({ kind: 'issue', serviceId, category: 'regular', language: 'en' }, when);
const refusal = (result: QueueResult) => (result.ok ? expect.fail(`expected a refusal, got ticket ${result.ticket?.number}`) : result);

describe('queue engine: opening hours, daily cap, suspension', () => {
  it('opening hours: refused outside them with the hours and the next opening in English and Kiswahili', () => {
    // gamma: Monday to Friday, 08:00–17:00.
    const beforeOpening = refusal(issue('gamma', `${MONDAY}T07:59`));
    expect(beforeOpening.code).toBe('service_closed');
    expect(beforeOpening.messages).toEqual({
      en: 'Tickets for Gamma licences are issued Monday to Friday, 08:00–17:00. Opens at 08:00.',
      sw: 'Tiketi za Leseni za Gamma hutolewa Jumatatu hadi Ijumaa, kuanzia saa 2 asubuhi (08:00) hadi saa 11 jioni (17:00). Zitaanza kutolewa saa 2 asubuhi (08:00).',
    });
    expect(beforeOpening.message).toBe('Service "gamma" (Gamma licences) is closed now; it issues tickets Monday to Friday, 08:00–17:00.');
    expect(issue('gamma', `${MONDAY}T08:00`)).toMatchObject({ ok: true, ticket: { number: 'C001' } });
    expect(issue('gamma', `${MONDAY}T16:59`)).toMatchObject({ ok: true });
    expect(refusal(issue('gamma', `${MONDAY}T17:00`)).messages).toMatchObject({ en: expect.stringContaining('Opens tomorrow at 08:00.'), sw: expect.stringContaining('Zitaanza kutolewa tena kesho saa 2 asubuhi (08:00).') });
    // Friday evening and Saturday: Monday.
    expect(refusal(issue('gamma', '2026-12-11T18:00')).messages).toMatchObject({ en: expect.stringContaining('Opens on Monday at 08:00.'), sw: expect.stringContaining('Zitaanza kutolewa tena Jumatatu saa 2 asubuhi (08:00).') });
    expect(refusal(issue('gamma', '2026-12-12T10:00')).code).toBe('service_closed');
    // Services without hours are open at all hours, on any day.
    expect(issue('alpha', '2026-12-13T03:00')).toMatchObject({ ok: true });
  });

  it('daily cap: refused once the day has its cap, with the kiosk wording; the next day starts again', () => {
    // A ticket transferred in was issued for another service: it does not use gamma's cap.
    issue('alpha', `${MONDAY}T07:50`);
    h.callNext('k1', `${MONDAY}T07:55`);
    h.ok({ kind: 'transfer', counterId: 'k1', toServiceId: 'gamma', reason: null }, `${MONDAY}T07:56`);
    for (const clock of ['08:00', '08:01', '08:02']) expect(issue('gamma', `${MONDAY}T${clock}`)).toMatchObject({ ok: true });
    const capped = refusal(issue('gamma', `${MONDAY}T08:03`));
    expect(capped).toMatchObject({ code: 'service_capped', message: 'Service "gamma" (Gamma licences) has issued its daily cap of 3 tickets for 2026-12-07.' });
    expect(capped.messages).toEqual({ en: "Today's tickets for this service are finished. Please book an appointment.", sw: 'Tiketi za huduma hii zimekwisha kwa leo. Tafadhali weka miadi, au muulize mhudumu.' });
    expect(issue('gamma', '2026-12-08T08:00')).toMatchObject({ ok: true, ticket: { id: '20261208-C001' } });
  });

  it('a booking checked in on time is not turned away by the cap; a late one (a walk-in) is', () => {
    const booking = (reference: string, clock: string) => ({ reference, serviceId: 'gamma', atMs: nairobi(`${MONDAY}T${clock}`).atMs, name: null });
    h.ok({ kind: 'add_appointments', appointments: [booking('ON-TIME', '10:00'), booking('TOO-LATE', '08:00')] }, `${MONDAY}T07:00`);
    for (const clock of ['08:00', '08:01', '08:02']) issue('gamma', `${MONDAY}T${clock}`);
    expect(h.apply({ kind: 'check_in', reference: 'ON-TIME', language: 'en' }, `${MONDAY}T09:50`)).toMatchObject({ ok: true, ticket: { number: 'C004', category: 'appointment' } });
    expect(h.apply({ kind: 'check_in', reference: 'TOO-LATE', language: 'en' }, `${MONDAY}T09:51`)).toMatchObject({ ok: false, code: 'service_capped' });
  });

  it('check-in obeys the service: closed hours and suspension', () => {
    h.ok({ kind: 'add_appointments', appointments: [{ reference: 'SAT-1', serviceId: 'gamma', atMs: nairobi('2026-12-12T09:00').atMs, name: null }, { reference: 'DELTA-1', serviceId: 'delta', atMs: nairobi(`${MONDAY}T09:00`).atMs, name: null }] }, `${MONDAY}T07:00`);
    expect(h.apply({ kind: 'check_in', reference: 'SAT-1', language: 'sw' }, '2026-12-12T08:55')).toMatchObject({ ok: false, code: 'service_closed' });
    expect(h.apply({ kind: 'check_in', reference: 'DELTA-1', language: 'en' }, `${MONDAY}T08:55`)).toMatchObject({ ok: false, code: 'service_suspended' });
  });

  it('suspension from the config is lifted by resume_service; a commanded one by resume too', () => {
    const fromConfig = refusal(issue('delta', `${MONDAY}T09:00`));
    expect(fromConfig).toMatchObject({ code: 'service_suspended', messages: { en: 'The Delta system is down.', sw: 'Mfumo wa Delta haufanyi kazi.' } });
    h.ok({ kind: 'resume_service', serviceId: 'delta' }, `${MONDAY}T09:01`);
    expect(issue('delta', `${MONDAY}T09:02`)).toMatchObject({ ok: true, ticket: { number: 'D001' } });

    const message = { en: 'Alpha is offline until noon.', sw: 'Alpha haipatikani hadi saa sita.' };
    h.ok({ kind: 'suspend_service', serviceId: 'alpha', message }, `${MONDAY}T09:03`);
    expect(refusal(issue('alpha', `${MONDAY}T09:04`))).toMatchObject({ code: 'service_suspended', messages: message });
    const newer = { en: 'Alpha is offline until 14:00.', sw: 'Alpha haipatikani hadi saa nane.' };
    h.ok({ kind: 'suspend_service', serviceId: 'alpha', message: newer }, `${MONDAY}T09:05`);
    expect(refusal(issue('alpha', `${MONDAY}T09:06`)).messages).toEqual(newer);
    expect(h.events().filter((e) => e.type === 'service.suspended').map((e) => e.data.message)).toEqual([message, newer]);
    h.ok({ kind: 'resume_service', serviceId: 'alpha' }, `${MONDAY}T09:07`);
    expect(issue('alpha', `${MONDAY}T09:08`)).toMatchObject({ ok: true });
  });

  it('commands survive a restart; an edited config suspension is the newer instruction and wins', () => {
    h.ok({ kind: 'resume_service', serviceId: 'delta' }, `${MONDAY}T09:00`);
    h.ok({ kind: 'suspend_service', serviceId: 'beta', message: { en: 'Beta down.', sw: 'Beta haifanyi kazi.' } }, `${MONDAY}T09:00`);
    h.reopen();
    expect(issue('delta', `${MONDAY}T09:01`)).toMatchObject({ ok: true });
    expect(issue('beta', `${MONDAY}T09:01`)).toMatchObject({ ok: false, code: 'service_suspended' });

    // The technician edits the config: delta gets a new suspension, beta's config
    // now says "suspended" too. Both follow the config from now on.
    h.reopen(
      testRules((config) => {
        config.services[3]!.suspended = { message: { en: 'Delta moved to the first floor.', sw: 'Delta imehamia ghorofa ya kwanza.' } };
        config.services[1]!.suspended = { message: { en: 'Beta closed for training.', sw: 'Beta imefungwa kwa mafunzo.' } };
      }),
    );
    expect(refusal(issue('delta', `${MONDAY}T09:02`)).messages?.en).toBe('Delta moved to the first floor.');
    expect(refusal(issue('beta', `${MONDAY}T09:02`)).messages?.en).toBe('Beta closed for training.');
    h.ok({ kind: 'resume_service', serviceId: 'beta' }, `${MONDAY}T09:03`);
    expect(issue('beta', `${MONDAY}T09:04`)).toMatchObject({ ok: true });
  });

  it('unknown service and counter are refused with the id named', () => {
    expect(issue('nope', `${MONDAY}T09:00`)).toMatchObject({ ok: false, code: 'unknown_service', message: expect.stringContaining('"nope"'), messages: { en: 'This service is not offered at this centre.' } });
    expect(h.apply({ kind: 'call_next', counterId: 'k9', officerId: null }, `${MONDAY}T09:00`)).toMatchObject({ ok: false, code: 'unknown_counter', message: expect.stringContaining('"k9"') });
  });
});
