import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PrinterEmulator } from '../../hardware/escpos/printer-emulator.ts';
import { openPtyPair, type PtyPair } from '../../hardware/serial/pty-pair.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { outboxEvents, QueueClient, tokensFor } from '../helpers/queue-client.ts';

const COUNTERS = ['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08', 'c09', 'c10'];

/**
 * The hub's kiosk printing through its ESC/POS driver over a real kernel PTY pair
 * (socat) to the behaving printer emulator: tickets arrive whole; paper end, cover open
 * and offline stop the kiosk before a number is handed out and recover; paper near end
 * prints and warns the technician; paper running out mid-ticket and then the line
 * pulled: the ticket keeps its number, the hub reports it, and after the replug the
 * ticket is reprinted whole; no number is lost or issued twice.
 */
describe('ticket printer over a PTY', () => {
  const cleanup: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function rig() {
    const dir = await mkdtemp(join(tmpdir(), 'huduma-printer-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const emulator = new PrinterEmulator();
    const line: { pair: PtyPair | null } = { pair: null };
    const plug = async () => {
      line.pair = await openPtyPair({ dir });
      await emulator.attachSerial(line.pair.devicePath);
    };
    const pull = async () => {
      await line.pair?.close();
      line.pair = null;
    };
    await plug();
    cleanup.push(async () => {
      await emulator.close();
      await pull();
    });
    const fixture: HubFixture = await startHub({
      configure: (config) => {
        config.printer = { ...config.printer, path: line.pair!.hostPath, confirmTimeoutMs: 1500 };
      },
    });
    cleanup.push(() => fixture.stop());
    const api = new QueueClient(fixture.ports.http);
    const tokens = tokensFor(fixture, COUNTERS);
    const printerState = () => fixture.hub.health().queue!.printer;
    return { emulator, plug, pull, fixture, api, tokens, printerState };
  }

  it('prints whole tickets and stops issuing while the printer cannot print', async () => {
    const { emulator, api, tokens, fixture, printerState } = await rig();
    await expect.poll(() => printerState().state).toBe('ready');
    const first = await api.issue(tokens.kiosk, 'birth-cert');
    expect(first.body).toMatchObject({ ticket: { number: 'E001' }, printed: true });
    const [ticket] = emulator.tickets;
    expect(ticket!.qrCodes).toEqual([first.body.ticket.id]);
    expect(ticket!.text).toContain('E001');
    expect(ticket!.text).toContain('Birth certificate');
    expect(ticket!.text).toContain('Cheti cha kuzaliwa');

    const faults: Array<[string, () => void, () => void]> = [
      ['paper_end', () => emulator.setPaper('end'), () => emulator.setPaper('ok')],
      ['cover_open', () => emulator.setCoverOpen(true), () => emulator.setCoverOpen(false)],
      ['offline', () => emulator.setOnline(false), () => emulator.setOnline(true)],
    ];
    for (const [state, fault, repair] of faults) {
      fault();
      const refused = await api.issue(tokens.kiosk, 'birth-cert');
      expect(refused.status, state).toBe(503);
      expect(refused.body.error).toMatchObject({ code: 'printer_unavailable', message: expect.stringContaining(state.replace('_', ' ')) });
      repair();
      await expect.poll(() => printerState().state, { timeout: 5000 }).toBe('ready');
    }
    expect((await api.issue(tokens.kiosk, 'birth-cert')).body).toMatchObject({ ticket: { number: 'E002' }, printed: true });

    // Near the end of the roll: still printing, and the technician is told.
    emulator.setPaper('nearEnd');
    expect((await api.issue(tokens.kiosk, 'birth-cert')).body).toMatchObject({ ticket: { number: 'E003' }, printed: true });
    await expect.poll(() => fixture.hub.health().warnings.join(' ')).toContain('ticket printer: paper near end');
    expect(emulator.tickets.map((t) => t.qrCodes[0])).toEqual(['E001', 'E002', 'E003'].map((n) => `${first.body.ticket.id.slice(0, 9)}${n}`));
    expect(outboxEvents(fixture.dataDir, 'printer.status').map((e) => e.state)).toEqual(expect.arrayContaining(['paper_end', 'cover_open', 'offline', 'paper_near_end']));
  });

  it('paper out mid-ticket, then the line pulled: the number is kept, reported, and reprinted whole after the replug', async () => {
    const { emulator, plug, pull, api, tokens, fixture, printerState } = await rig();
    await expect.poll(() => printerState().state).toBe('ready');
    expect((await api.issue(tokens.kiosk, 'kra')).body.ticket.number).toBe('K001');
    emulator.setPaperLinesLeft(3); // the roll ends three lines into the next ticket
    const cut = await api.issue(tokens.kiosk, 'kra');
    expect(cut.status).toBe(201);
    expect(cut.body).toMatchObject({ ticket: { number: 'K002' }, printed: false });
    await expect.poll(() => printerState()).toMatchObject({ state: 'paper_end', pendingPrints: 1 });

    await pull();
    await expect.poll(() => printerState().state, { timeout: 5000 }).toBe('offline');
    expect(fixture.hub.health().problems.join(' ')).toContain('ticket printer: offline');
    expect((await api.issue(tokens.kiosk, 'kra')).body.error!.code).toBe('printer_unavailable');

    emulator.setPaper('ok'); // a new roll, and the cable back in
    await plug();
    await expect.poll(() => printerState(), { timeout: 10_000 }).toMatchObject({ state: 'ready', pendingPrints: 0 });
    const reprinted = emulator.tickets.filter((t) => t.qrCodes.includes(cut.body.ticket.id));
    expect(reprinted.length).toBeGreaterThanOrEqual(1);
    expect(reprinted.at(-1)!.text).toContain('REPRINT');
    expect(reprinted.at(-1)!.text).toContain('K002');
    expect((await api.issue(tokens.kiosk, 'kra')).body).toMatchObject({ ticket: { number: 'K003' }, printed: true });
    expect(outboxEvents(fixture.dataDir, 'ticket.issued').map((e) => e.number)).toEqual(['K001', 'K002', 'K003']);
  });
});
