import { afterEach, describe, expect, it } from 'vitest';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { outboxEvents, QueueClient, tokensFor } from '../helpers/queue-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const COUNTERS = ['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08', 'c09', 'c10'];
const fixtures: HubFixture[] = [];
afterEach(async () => {
  for (const fixture of fixtures.splice(0)) await fixture.stop();
});

async function hub(dataDir?: string) {
  const fixture = await startHub(dataDir ? { dataDir } : {});
  fixtures.push(fixture);
  return { fixture, api: new QueueClient(fixture.ports.http), tokens: tokensFor(fixture, COUNTERS), printer: fixture.admin.queue.printerEmulator! };
}

/** Resolves once `test` holds for the hub's health (the spooler works in the background). */
async function until<T>(read: () => T, test: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = read();
    if (test(value)) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('print spooler: a ticket whose print fails is reprinted, never lost or duplicated', () => {
  it('keeps the number of a ticket whose print failed, says so, and reprints it when the printer is back', async () => {
    const { api, tokens, printer, fixture } = await hub();
    expect((await api.issue(tokens.kiosk, 'kra')).body).toMatchObject({ ticket: { number: 'K001' }, printed: true });
    printer.failNextPrint('paper ran out mid-ticket');
    const failed = await api.issue(tokens.kiosk, 'kra');
    expect(failed.status).toBe(201);
    expect(failed.body).toMatchObject({ ticket: { number: 'K002' }, printed: false, messages: { en: expect.stringContaining('remember your number'), sw: expect.any(String) } });
    expect(fixture.hub.health().queue).toMatchObject({ printer: { state: 'offline', pendingPrints: 1 } });
    // Offline now: the next citizen gets no number at all.
    expect((await api.issue(tokens.kiosk, 'kra')).body.error!.code).toBe('printer_unavailable');

    printer.setState('ready', 'paper loaded');
    await until(() => fixture.hub.health().queue!.printer.pendingPrints, (n) => n === 0);
    expect(printer.printed.map((p) => [p.number, p.reprint])).toEqual([['K001', false], ['K002', true]]);
    expect(printer.printed[1]!.lines).toContain('REPRINT / NAKALA');
    // The next number is the next in sequence; nothing was issued twice.
    expect((await api.issue(tokens.kiosk, 'kra')).body.ticket.number).toBe('K003');
    expect(outboxEvents(fixture.dataDir, 'ticket.issued').map((e) => e.number)).toEqual(['K001', 'K002', 'K003']);
    expect(outboxEvents(fixture.dataDir, 'printer.status').map((e) => [e.previous, e.state, e.pendingPrints])).toEqual([
      ['ready', 'offline', 1],
      ['offline', 'ready', 1],
    ]);
  });

  it('reprints at start the tickets a stopped hub had not printed', async () => {
    const dir = tempDir('huduma-spooler-');
    try {
      const first = await hub(dir.path);
      first.printer.failNextPrint('line pulled');
      expect((await first.api.issue(first.tokens.kiosk, 'passport')).body).toMatchObject({ ticket: { number: 'J001' }, printed: false });
      await first.fixture.hub.stop();
      fixtures.splice(fixtures.indexOf(first.fixture), 1);

      const second = await hub(dir.path);
      await until(() => second.fixture.hub.health().queue!.printer.pendingPrints, (n) => n === 0);
      expect(second.printer.printed.map((p) => [p.number, p.reprint])).toEqual([['J001', true]]);
      expect((await second.api.issue(second.tokens.kiosk, 'passport')).body.ticket.number).toBe('J002');
    } finally {
      dir.remove();
    }
  });
});
