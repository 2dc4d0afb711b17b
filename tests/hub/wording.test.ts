import { afterEach, describe, expect, it } from 'vitest';
import { STRINGS } from '../../protocol/wording/strings.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { QueueClient, tokensFor } from '../helpers/queue-client.ts';

let fixture: HubFixture | null = null;
afterEach(async () => {
  await fixture?.stop();
  fixture = null;
});

const KISUMU = {
  welcome: { en: 'Welcome to Huduma Centre Kisumu', sw: 'Karibu Huduma Centre Kisumu' },
  printerOut: { en: 'No tickets just now: please see the information desk.', sw: 'Hakuna tiketi sasa hivi: tafadhali nenda dawati la maelezo.' },
  ticketNotPrinted: { en: 'Keep this number in mind; the desk prints your ticket.', sw: 'Kumbuka namba hii; dawati litachapisha tiketi yako.' },
  ticketPeopleAhead: { en: 'Ahead', sw: 'Mbele' },
};

/**
 * One wording table (protocol/wording/strings.ts) with a centre's `strings` applied:
 * what the pages load, what the ticket prints and what the kiosk is told all come from
 * it (docs/queue.md, "Wording").
 */
describe('the centre config\'s strings reach the pages, the ticket and the kiosk\'s answers', () => {
  it('serves the merged table to the pages, prints and answers with it', async () => {
    fixture = await startHub({ configure: (config) => void (config.strings = KISUMU) });
    const api = new QueueClient(fixture.ports.http);
    const tokens = tokensFor(fixture, ['c06']);

    const page = await fetch(`${api.base}/assets/strings.js`);
    expect(page.headers.get('content-type')).toContain('text/javascript');
    const { STRINGS: served } = (await import(`data:text/javascript,${encodeURIComponent(await page.text())}`)) as { STRINGS: Record<string, { en: string; sw: string }> };
    expect(served).toEqual({ ...STRINGS, ...KISUMU });

    const printer = fixture.admin.queue.printerEmulator!;
    expect((await api.issue(tokens.kiosk, 'kra')).status).toBe(201);
    expect(printer.printed[0]!.lines).toEqual(expect.arrayContaining(['Ahead: 0', 'Mbele: 0']));

    printer.failNextPrint('paper ran out mid-ticket');
    expect((await api.issue(tokens.kiosk, 'kra')).body).toMatchObject({ printed: false, messages: KISUMU.ticketNotPrinted });
    const refused = await api.issue(tokens.kiosk, 'kra');
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({ code: 'printer_unavailable', messages: KISUMU.printerOut });
  });

  it('without overrides the pages get the built-in table', async () => {
    fixture = await startHub();
    const text = await (await fetch(`http://127.0.0.1:${fixture.ports.http}/assets/strings.js`)).text();
    const { STRINGS: served } = (await import(`data:text/javascript,${encodeURIComponent(text)}`)) as { STRINGS: unknown };
    expect(served).toEqual(STRINGS);
  });
});
