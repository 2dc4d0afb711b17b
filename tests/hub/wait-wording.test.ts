import { describe, expect, it } from 'vitest';
import { sampleCentre } from '../../bench/queue/centre.ts';
import { simulateDay, type SimTicket } from '../../bench/queue/day.ts';
import { TICKET_LINE_CHARS, ticketLines, ticketText } from '../../hardware/escpos/ticket-bytes.ts';
import { STRINGS, type StringKey } from '../../protocol/wording/strings.ts';
import { GOLDEN_TICKET } from '../hardware/escpos/escpos-test-kit.ts';

type Range = { lowMin: number; highMin: number } | null;
type WaitWording = (range: Range) => { key: StringKey; params: Record<string, number> };
// The pages' own choice of wording (a browser module without types, so imported untyped).
const { waitWording } = (await import('../../kiosk/public/assets/wait-words.js' as string)) as { waitWording: WaitWording };

const fill = (key: StringKey, lang: 'en' | 'sw', params: Record<string, number> = {}) =>
  STRINGS[key][lang].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));

/** What a kiosk tile shows for a ticket taken now: the count of this service, the wait, and the note under the tiles. */
function tile(ticket: SimTicket, lang: 'en' | 'sw') {
  const { key, params } = waitWording(ticket.quote);
  return { waiting: fill('waitingNow', lang, { n: ticket.peopleAhead }), wait: fill(key, lang, params), note: fill('waitExplained', lang) };
}

/**
 * "2 people ahead · up to 1 min" and "0 waiting · about 7–21 min" read as contradictions:
 * the count is this service's, the quote counts everyone the counters will call first in
 * every service they serve (hub/queue/wait-estimate.ts). The wording says so (docs/queue.md,
 * "What the kiosk says about the wait"); checked on the bench's generated days.
 */
describe('wait wording on the generated days', () => {
  const centre = sampleCentre();
  const days = [1, 2].map((seed) => simulateDay(centre, { seed, serviceCv: 0.5 }));
  const tickets = days.flatMap((day) => day.tickets);

  it('the days hold the cases that read as contradictions (nobody waiting yet minutes to wait; several ahead yet called within a minute)', () => {
    expect(tickets.length).toBeGreaterThan(1000);
    expect(tickets.filter((t) => t.peopleAhead === 0 && (t.quote?.lowMin ?? 0) >= 5).length).toBeGreaterThan(0);
    expect(tickets.filter((t) => t.peopleAhead >= 2 && t.quote !== null && t.quote.highMin <= 1).length).toBeGreaterThan(0);
  });

  it('every ticket: the count names this service, the wait says when the citizen is called, the note says it counts every service', () => {
    for (const ticket of tickets) {
      const en = tile(ticket, 'en');
      const sw = tile(ticket, 'sw');
      for (const text of [...Object.values(en), ...Object.values(sw)]) expect(text, text).not.toMatch(/[{}]/);
      expect(en.waiting).toBe(`${ticket.peopleAhead} waiting for this service`);
      expect(sw.waiting).toBe(`Wanaosubiri huduma hii: ${ticket.peopleAhead}`);
      const q = ticket.quote;
      if (q === null) {
        expect(en.wait).toBe('Wait time not known');
      } else if (q.highMin === 0) {
        expect([en.wait, sw.wait]).toEqual(['No wait', 'Hakuna kusubiri']);
      } else {
        // The figures are the quote's, as the time until the citizen is called.
        expect(en.wait).toMatch(q.lowMin === 0 ? `called within ${q.highMin} min` : q.lowMin === q.highMin ? `called in about ${q.lowMin} min` : `called in about ${q.lowMin}–${q.highMin} min`);
        expect(sw.wait).toMatch(q.lowMin === 0 ? `utaitwa ndani ya dakika ${q.highMin}` : q.lowMin === q.highMin ? `utaitwa baada ya takriban dakika ${q.lowMin}` : `utaitwa baada ya takriban dakika ${q.lowMin}–${q.highMin}`);
      }
      expect(en.note).toContain('everyone the counters will call before you, in every service');
      expect(sw.note).toContain('wote ambao kaunta zitawaita kabla yako, katika huduma zote');
    }
  });

  it('every ticket prints within 42 characters a line, with the note under the wait', () => {
    for (const ticket of tickets.slice(0, 400)) {
      const serviceNames = centre.config.services.find((s) => s.id === ticket.serviceId)!.names;
      const lines = ticketLines(ticketText({ ...GOLDEN_TICKET, serviceNames, peopleAhead: ticket.peopleAhead, quotedWait: ticket.quote }));
      for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(TICKET_LINE_CHARS);
      if (ticket.quote) expect(lines).toContain('(counts everyone called before you)');
    }
  });
});
