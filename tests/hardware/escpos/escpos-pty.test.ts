import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EscposPrinter, type PrinterStatus } from '../../../hardware/escpos/escpos-printer.ts';
import { PrinterEmulator } from '../../../hardware/escpos/printer-emulator.ts';
import { canPrint, type PrinterState } from '../../../hardware/escpos/status.ts';
import { buildTicketBytes } from '../../../hardware/escpos/ticket-bytes.ts';
import { openPtyPair, type PtyPair } from '../../../hardware/serial/pty-pair.ts';
import { next, ticketFor, until, within } from './escpos-test-kit.ts';

/**
 * Driver ↔ emulator over real kernel PTYs (socat, docs/protocols/serial-lines.md §2): the
 * production serial path, serialport 13 on both ends at 19200 baud. Real serial timeouts
 * elapse here, so they are kept short through the driver's options.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Bench {
  emulator: PrinterEmulator;
  printer: EscposPrinter;
  pair: PtyPair;
  /** A new pair on the same paths (a replug), with the emulator on its device end. */
  plug(): Promise<void>;
}

async function bench(): Promise<Bench> {
  const dir = await mkdtemp(join(tmpdir(), 'huduma-escpos-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const emulator = new PrinterEmulator();
  const plug = async (): Promise<void> => {
    rig.pair = await openPtyPair({ dir });
    await emulator.attachSerial(rig.pair.devicePath);
  };
  const rig = { emulator, plug } as Bench;
  await plug();
  cleanups.push(async () => {
    await emulator.close();
    await rig.pair.close();
  });
  rig.printer = new EscposPrinter({
    path: rig.pair.hostPath,
    statusTimeoutMs: 1000,
    printTimeoutMs: 3000,
    lineCheckMs: 50,
    reconnectDelaysMs: [50, 100, 200],
  });
  cleanups.push(() => rig.printer.close());
  const ready = next<PrinterStatus>(rig.printer, 'state', (status) => status.state === 'ready', 'ready over the PTY');
  expect(await rig.printer.start()).toBe(true);
  await ready;
  return rig;
}

/** Checks until the printer reports `state` (a check is ≤ 3 status timeouts). */
async function statusBecomes(printer: EscposPrinter, state: PrinterState): Promise<PrinterStatus> {
  return within(
    (async () => {
      for (;;) {
        // Without a line the check answers at once: wait for the line instead of spinning.
        if (!printer.connected) await next(printer, 'connected', undefined, 'the line back');
        const status = await printer.checkStatus();
        if (status.state === state) return status;
      }
    })(),
    `checkStatus() to report ${state}`,
  );
}

describe('EscposPrinter ↔ PrinterEmulator over a socat PTY pair', () => {
  it('a ticket arrives whole and decodes to the expected lines and QR', async () => {
    const { emulator, printer } = await bench();
    expect((await printer.checkStatus()).state).toBe('ready');
    await printer.print(buildTicketBytes(ticketFor(42)));
    expect(emulator.tickets).toHaveLength(1);
    const [ticket] = emulator.tickets;
    expect(ticket!.qrCodes).toEqual(['20261205-A042']);
    expect(ticket!.cut).toBe('partial');
    expect(ticket!.lines.map((line) => line.text).filter(Boolean)).toEqual([
      'Huduma Centre GPO',
      'Kituo cha Huduma GPO',
      'ID card replacement',
      'Kubadilisha kitambulisho',
      'A042',
      'Ahead of you in this service: 0',
      'Walio mbele yako katika huduma hii: 0',
      'Estimated wait: about 10-20 min',
      'Muda wa kusubiri: takriban dakika 10-20',
      '(counts everyone called before you)',
      '(inahesabu wote watakaoitwa kabla yako)',
      'Issued: Saturday 05/12/2026 09:41',
      'Imetolewa: Jumamosi 05/12/2026',
      'saa 3:41 asubuhi (09:41)',
      '20261205-A042',
    ]);
    expect(emulator.model.ignored).toBe(0);
    expect(printer.counters).toEqual({ discardedBytes: 0, lateReplies: 0, unexpectedReplies: 0 });
  });

  it('paper end, cover open and offline each stop printing with the right state and recover', async () => {
    const { emulator, printer } = await bench();
    const faults: [PrinterState, () => void, () => void][] = [
      ['paper_end', () => emulator.setPaper('end'), () => emulator.setPaper('ok')],
      ['cover_open', () => emulator.setCoverOpen(true), () => emulator.setCoverOpen(false)],
      ['offline', () => emulator.setOnline(false), () => emulator.setOnline(true)],
    ];
    for (const [state, fault, repair] of faults) {
      const pushed = next<PrinterStatus>(printer, 'state', (status) => status.state === state, `${state} pushed by ASB`);
      fault();
      await pushed;
      const status = await printer.checkStatus();
      expect(status.state).toBe(state);
      expect(canPrint(status.state)).toBe(false);
      repair();
      expect((await statusBecomes(printer, 'ready')).source).toBe('eot');
      await printer.print(buildTicketBytes(ticketFor(faults.findIndex(([s]) => s === state) + 1)));
    }
    expect(emulator.tickets.map((ticket) => ticket.qrCodes[0])).toEqual(['20261205-A001', '20261205-A002', '20261205-A003']);
  });

  it('paper near end is reported as printable, with the flag', async () => {
    const { emulator, printer } = await bench();
    emulator.setPaper('nearEnd');
    const status = await statusBecomes(printer, 'paper_near_end');
    expect(status.condition).toMatchObject({ paperNearEnd: true, paperEnd: false, online: true });
    expect(canPrint(status.state)).toBe(true);
    await printer.print(buildTicketBytes(ticketFor(9)));
    expect(emulator.tickets).toHaveLength(1);
  });

  it('a line pulled before the barrier rejects print with line_dropped; after a replug it reconnects and the reprint arrives whole', async () => {
    const rig = await bench();
    const { emulator, printer } = rig;
    emulator.setOnline(false); // the job is taken but not processed: no barrier yet
    const job = buildTicketBytes(ticketFor(7));
    const printing = printer.print(job);
    printing.catch(() => undefined);
    await until(() => emulator.buffered >= job.length, 'the job at the printer');
    const disconnected = next<Error | undefined>(printer, 'disconnected');
    await rig.pair.close(); // socat gone: EIO on both ends, as pulling the cable
    await expect(printing).rejects.toMatchObject({ code: 'line_dropped', disconnected: true });
    expect(await disconnected).toBeInstanceOf(Error);
    expect(printer.state()).toBe('offline');
    await expect(printer.print(job)).rejects.toMatchObject({ code: 'not_connected' });
    await until(() => !emulator.attached, 'the emulator to notice');

    emulator.setOnline(true);
    const connected = next(printer, 'connected', undefined, 'reconnect');
    await rig.plug();
    await connected;
    await statusBecomes(printer, 'ready');
    await printer.print(job);
    expect(emulator.tickets).toHaveLength(1);
    expect(emulator.tickets[0]!.qrCodes).toEqual(['20261205-A007']);
    expect(emulator.tickets[0]!.lines.some((line) => line.text === 'A007')).toBe(true);
  });

  it('a line pulled during the write (held by XOFF) rejects with line_dropped, then recovers', async () => {
    const rig = await bench();
    const { emulator, printer } = rig;
    emulator.setOnline(false);
    const flows: string[] = [];
    printer.on('flow', (flow) => flows.push(flow));
    // Larger than the printer's 4 KiB buffer: the write stops half-way on XOFF.
    const job = Buffer.concat([Buffer.alloc(6000, 0x2e), Buffer.from([0x0a]), buildTicketBytes(ticketFor(8))]);
    const printing = printer.print(job);
    printing.catch(() => undefined);
    await until(() => flows.includes('xoff'), 'XOFF from the printer');
    await rig.pair.close();
    await expect(printing).rejects.toMatchObject({ code: 'line_dropped' });
    emulator.setOnline(true);
    await rig.plug();
    await statusBecomes(printer, 'ready');
    await printer.print(buildTicketBytes(ticketFor(8)));
    expect(emulator.tickets.map((ticket) => ticket.qrCodes[0])).toEqual(['20261205-A008']);
  });
});
