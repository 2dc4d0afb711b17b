import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EscposPrinter } from '../../hardware/escpos/escpos-printer.ts';
import { PrinterEmulator } from '../../hardware/escpos/printer-emulator.ts';
import { ticketLines, ticketText } from '../../hardware/escpos/ticket-bytes.ts';
import { openPtyPair } from '../../hardware/serial/pty-pair.ts';
import { loadHubConfig } from '../../hub/config/load.ts';
import { EmulatedTicketPrinter } from '../../hub/peripherals/emulated-ticket-printer.ts';
import { EscposTicketPrinter } from '../../hub/peripherals/escpos-ticket-printer.ts';
import { TicketJobs } from '../../hub/peripherals/ticket-jobs.ts';
import type { PrinterStateChange, TicketPrinter, TicketToPrint } from '../../hub/queue/ports.ts';
import type { TicketView } from '../../protocol/queue/ticket.ts';
import { resolveStrings } from '../../protocol/wording/overrides.ts';
import { capturingLogger } from '../helpers/log-capture.ts';

/**
 * The queue's TicketPrinter port (hub/queue/ports.ts), one suite for both adapters: the
 * built-in emulator, and the ESC/POS adapter driving the behaving printer emulator over a
 * real kernel PTY pair (socat). Each must say whether it can print, print a ticket and
 * resolve only once it is on paper, refuse while out of paper and report the change; and
 * both put the same layout on paper (hardware/escpos/ticket-bytes.ts), reprints included.
 */
const { config } = loadHubConfig();
const jobs = new TicketJobs(config, resolveStrings());

const ticket = (n: number): TicketView => ({
  id: `20261207-K${String(n).padStart(3, '0')}`,
  number: `K${String(n).padStart(3, '0')}`,
  serviceId: 'kra',
  category: 'regular',
  status: 'waiting',
  day: '2026-12-07',
  issuedAt: '2026-12-07T06:41:00.000Z',
  arrivedAt: '2026-12-07T06:41:00.000Z',
  appointmentRef: null,
  appointmentAt: null,
  counterId: null,
  calls: 0,
  calledAt: null,
  peopleAhead: n,
  quotedWait: { lowMin: 5, highMin: 15 },
  language: 'sw',
});

interface Rig {
  printer: TicketPrinter;
  /** What came out on paper, one entry per ticket: its text lines, the QR payload as `QR:…`. */
  paper(): string[][];
  paperOut(): void;
  paperIn(): void;
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const rigs: Record<string, () => Promise<Rig>> = {
  async emulator() {
    const printer = new EmulatedTicketPrinter(jobs, () => Date.parse('2026-12-07T06:41:00Z'));
    printer.start();
    cleanups.push(() => printer.stop());
    return { printer, paper: () => printer.printed.map((p) => p.lines), paperOut: () => printer.setState('paper_end', 'test'), paperIn: () => printer.setState('ready', 'test') };
  },
  async 'ESC/POS over a PTY'() {
    const dir = await mkdtemp(join(tmpdir(), 'huduma-port-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const device = new PrinterEmulator();
    const pair = await openPtyPair({ dir });
    await device.attachSerial(pair.devicePath);
    cleanups.push(async () => {
      await device.close();
      await pair.close();
    });
    const driver = new EscposPrinter({ path: pair.hostPath, statusTimeoutMs: 1000, printTimeoutMs: 3000, lineCheckMs: 50, reconnectDelaysMs: [50, 100, 200] });
    const printer = new EscposTicketPrinter(driver, jobs, capturingLogger().log);
    await printer.start();
    cleanups.push(() => printer.stop());
    await expect.poll(() => printer.state(), { timeout: 5000 }).toBe('ready');
    const paper = () => device.tickets.map((t) => [...t.lines.map((line) => line.text).filter((text) => text !== '')].flatMap((text) => (text === t.qrCodes[0] ? [`QR:${text}`, text] : [text])));
    return { printer, paper, paperOut: () => device.setPaper('end'), paperIn: () => device.setPaper('ok') };
  },
};

describe.each(Object.keys(rigs))('TicketPrinter port: %s', (name) => {
  it('prints a ticket, resolving once it is on paper, in the one layout', async () => {
    const { printer, paper } = await rigs[name]!();
    expect(await printer.check()).toBe('ready');
    const jobsToPrint: TicketToPrint[] = [
      { ticket: ticket(1), reprint: false },
      { ticket: ticket(2), reprint: true },
    ];
    for (const job of jobsToPrint) await printer.print(job);
    expect(paper()).toEqual(jobsToPrint.map((job) => ticketLines(ticketText(jobs.jobFor(job)))));
    expect(paper()[1]).toContain('REPRINT / NAKALA');
    expect(paper()[0]).toContain('PIN ya KRA na cheti cha kodi');
  });

  it('prints a test page that carries no queue number, confirmed like a ticket; refused out of paper', async () => {
    const { printer, paper, paperOut } = await rigs[name]!();
    await printer.printTestPage();
    const page = paper()[0]!;
    expect(page[0]).toBe('*** PRINTER TEST / MAJARIBIO ***');
    expect(page).toContain('No ticket number used');
    expect(page.some((line) => line.startsWith('QR:'))).toBe(false);
    paperOut();
    await expect.poll(() => printer.check(), { timeout: 5000 }).toBe('paper_end');
    await expect(printer.printTestPage()).rejects.toThrow();
    expect(paper()).toHaveLength(1);
  });

  it('says it cannot print while out of paper, refuses the print, and reports both changes', async () => {
    const { printer, paperOut, paperIn } = await rigs[name]!();
    const changes: PrinterStateChange[] = [];
    const unsubscribe = printer.onStateChange((change) => changes.push(change));
    paperOut();
    await expect.poll(() => printer.check(), { timeout: 5000 }).toBe('paper_end');
    await expect(printer.print({ ticket: ticket(3), reprint: false })).rejects.toThrow();
    paperIn();
    await expect.poll(() => printer.check(), { timeout: 5000 }).toBe('ready');
    await expect.poll(() => changes.map((c) => [c.previous, c.state]), { timeout: 5000 }).toEqual([
      ['ready', 'paper_end'],
      ['paper_end', 'ready'],
    ]);
    unsubscribe();
  });
});
