import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../runtime/clock.ts';
import { EscposPrinter, type EscposPrinterOptions, type PrinterStatus } from '../../../hardware/escpos/escpos-printer.ts';
import { PrinterEmulator } from '../../../hardware/escpos/printer-emulator.ts';
import { LoopbackBinding } from '../../../hardware/serial/loopback-binding.ts';
import type { SerialBinding } from '../../../hardware/serial/serial-binding.ts';
import { buildTicketBytes } from '../../../hardware/escpos/ticket-bytes.ts';
import { GOLDEN_TICKET, next, settle, ticketFor, toHex, until } from './escpos-test-kit.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A driver on an in-process line to an emulator, on a clock that moves only when told. */
async function rig(options: Partial<EscposPrinterOptions> = {}, emulator = new PrinterEmulator()) {
  const clock = new ManualClock(Date.parse('2026-12-05T06:00:00Z'));
  const received: number[] = [];
  const receive = emulator.receive.bind(emulator);
  emulator.receive = (bytes) => {
    received.push(...bytes);
    receive(bytes);
  };
  const binding = new LoopbackBinding();
  emulator.attachLoopback(binding.createPort('emulator'));
  const printer = new EscposPrinter({ path: 'emulator', clock, binding, ...options });
  cleanups.push(() => printer.close());
  const ready = next<PrinterStatus>(printer, 'state', (status) => status.state === 'ready', 'ready');
  expect(await printer.start()).toBe(true);
  await ready;
  return { clock, emulator, printer, received };
}

describe('EscposPrinter with the emulator in-process', () => {
  it('on connect sends ESC @ then GS a 0E and learns the state from ASB', async () => {
    const { printer, received } = await rig();
    expect(toHex(received.slice(0, 5))).toBe('1b 40 1d 61 0e');
    expect(printer.connected).toBe(true);
    expect(printer.status.condition).toMatchObject({ online: true, paperEnd: false });
  });

  it('checkStatus reports paper end, cover open, offline, cutter error and recovers', async () => {
    const { emulator, printer } = await rig();
    const cases: [() => void, string, Record<string, boolean>][] = [
      [() => emulator.setPaper('end'), 'paper_end', { paperEnd: true, online: false }],
      [() => emulator.setCoverOpen(true), 'cover_open', { coverOpen: true }],
      [() => emulator.setOnline(false), 'offline', { online: false }],
      [() => emulator.setCutterError(true), 'offline', { cutterError: true, error: true }],
    ];
    for (const [fault, state, flags] of cases) {
      fault();
      const status = await printer.checkStatus();
      expect(status).toMatchObject({ state, source: 'eot', condition: flags });
      emulator.setPaper('ok');
      emulator.setCoverOpen(false);
      emulator.setOnline(true);
      emulator.setCutterError(false);
      expect((await printer.checkStatus()).state).toBe('ready');
    }
  });

  it('reports paper near end as printable, with the flag; as ready when no sensor is fitted', async () => {
    const { emulator, printer } = await rig();
    emulator.setPaper('nearEnd');
    expect(await printer.checkStatus()).toMatchObject({ state: 'paper_near_end', condition: { paperNearEnd: true, paperEnd: false } });
    await printer.print(buildTicketBytes(GOLDEN_TICKET));
    expect(emulator.tickets).toHaveLength(1);
    const { printer: noSensor, emulator: other } = await rig({ nearEndSensor: false });
    other.setPaper('nearEnd');
    expect((await noSensor.checkStatus()).state).toBe('ready');
  });

  it('pushes state changes from ASB without polling', async () => {
    const { emulator, printer } = await rig();
    const opened = next<PrinterStatus>(printer, 'state', (status) => status.state === 'cover_open');
    emulator.setCoverOpen(true);
    expect((await opened).source).toBe('asb');
    const closed = next<PrinterStatus>(printer, 'state', (status) => status.state === 'ready');
    emulator.setCoverOpen(false);
    await closed;
  });

  it('a printer that does not answer is offline after the status timeout', async () => {
    const clock = new ManualClock(0);
    const silent = new LoopbackBinding();
    silent.createPort('silent'); // nothing behind it answers
    const printer = new EscposPrinter({ path: 'silent', clock, binding: silent, statusTimeoutMs: 300 });
    cleanups.push(() => printer.close());
    await printer.start();
    // The check the driver runs on connect times out first.
    await settle();
    clock.advance(300);
    await settle();
    const check = printer.checkStatus();
    await settle();
    clock.advance(299);
    await settle();
    let done = false;
    void check.then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    clock.advance(1);
    expect(await check).toMatchObject({ state: 'offline', condition: undefined });
  });

  it('prints a ticket whole and resolves on the GS r barrier; re-enables ASB after it', async () => {
    const { emulator, printer, received } = await rig();
    received.length = 0;
    const job = buildTicketBytes(GOLDEN_TICKET);
    await printer.print(job);
    expect(emulator.tickets).toHaveLength(1);
    expect(emulator.tickets[0]!.qrCodes).toEqual(['20261205-A042']);
    expect(toHex(received)).toBe(toHex([...job, 0x1d, 0x61, 0x0e]));
  });

  it('serialises concurrent jobs and status checks; each job is confirmed by its own barrier', async () => {
    const { emulator, printer } = await rig();
    const jobs = [1, 2, 3].map((n) => printer.print(buildTicketBytes(ticketFor(n))));
    const checks = [printer.checkStatus(), printer.checkStatus()];
    await Promise.all([...jobs, ...checks]);
    expect(emulator.tickets.map((t) => t.qrCodes[0])).toEqual(['20261205-A001', '20261205-A002', '20261205-A003']);
    expect(printer.counters).toEqual({ discardedBytes: 0, lateReplies: 0, unexpectedReplies: 0 });
  });

  it('rejects print_not_confirmed when paper runs out mid-ticket; the late barrier is absorbed, the reprint confirmed', async () => {
    const { clock, emulator, printer } = await rig({ printTimeoutMs: 4000 });
    emulator.setPaperLinesLeft(3);
    const first = printer.print(buildTicketBytes(ticketFor(1)));
    first.catch(() => undefined);
    await until(() => emulator.paper === 'end', 'paper end');
    await settle();
    clock.advance(4000);
    const learned = next<PrinterStatus>(printer, 'state', (status) => status.state === 'paper_end', 'the check after the failure');
    await expect(first).rejects.toMatchObject({ code: 'print_not_confirmed' });
    expect((await learned).source).toBe('eot');
    // The reprint goes out while the first job is still held in the printer.
    const reprint = printer.print(buildTicketBytes(ticketFor(1)));
    let confirmed = false;
    void reprint.then(() => (confirmed = true));
    await settle();
    expect(confirmed).toBe(false);
    emulator.setPaper('ok'); // loaded: the held job finishes first, then the reprint
    await reprint;
    expect(printer.counters.lateReplies).toBe(1);
    expect(emulator.tickets.map((t) => t.qrCodes[0])).toEqual(['20261205-A001', '20261205-A001']);
  });

  it('pauses on XOFF and resumes on XON; DLE EOT never lands inside the job', async () => {
    const emulator = new PrinterEmulator({ bufferSize: 1024 });
    const { printer, received } = await rig({}, emulator);
    emulator.setOnline(false);
    received.length = 0;
    const flows: string[] = [];
    printer.on('flow', (flow) => flows.push(flow));
    const job = Buffer.concat([Buffer.from('\x1b@'), Buffer.alloc(3000, 0x41), buildTicketBytes(GOLDEN_TICKET)]);
    const printing = printer.print(job);
    await until(() => flows.includes('xoff'), 'XOFF');
    const status = printer.checkStatus(); // queued behind the job's write
    await settle();
    expect(received.length).toBeLessThan(1024);
    emulator.setOnline(true);
    await printing;
    await status;
    expect(flows).toEqual(['xoff', 'xon', 'xoff', 'xon', 'xoff', 'xon'].slice(0, flows.length));
    expect(emulator.lost).toBe(0);
    expect(toHex(received.slice(0, job.length))).toBe(toHex(job));
    expect(toHex(received).indexOf('10 04 01')).toBeGreaterThan(toHex(job).length);
    expect(emulator.tickets.at(-1)!.qrCodes).toEqual(['20261205-A042']);
  });

  it('gives up with print_not_confirmed when XOFF holds longer than the print timeout', async () => {
    const { clock, emulator, printer } = await rig({ printTimeoutMs: 2000 });
    const flows: string[] = [];
    printer.on('flow', (flow) => flows.push(flow));
    emulator.setOnline(false);
    const printing = printer.print(Buffer.alloc(5000, 0x41));
    printing.catch(() => undefined);
    await until(() => flows.includes('xoff'), 'XOFF');
    await settle();
    clock.advance(2000);
    await expect(printing).rejects.toMatchObject({ code: 'print_not_confirmed' });
  });

  it('a pulled line rejects the job with line_dropped, then reconnects with backoff and reprints whole', async () => {
    const { clock, emulator, printer } = await rig({ reconnectDelaysMs: [100, 1000] });
    emulator.setOnline(false); // hold the job so the line is pulled before its barrier
    const job = buildTicketBytes(ticketFor(5));
    const printing = printer.print(job);
    printing.catch(() => undefined);
    await until(() => emulator.buffered >= job.length, 'the job at the printer');
    const disconnected = next(printer, 'disconnected');
    const retry = next<{ delayMs: number }>(printer, 'retry');
    await emulator.close();
    await expect(printing).rejects.toMatchObject({ code: 'line_dropped', disconnected: true });
    await disconnected;
    expect((await retry).delayMs).toBe(100);
    expect(printer.state()).toBe('offline');
    await expect(printer.print(job)).rejects.toMatchObject({ code: 'not_connected' });
    emulator.setOnline(true);
    const connected = next(printer, 'connected');
    clock.advance(100);
    await connected;
    await printer.print(job);
    expect(emulator.tickets).toHaveLength(1);
    expect(emulator.tickets[0]!.qrCodes).toEqual(['20261205-A005']);
  });

  it('keeps retrying while the port cannot be opened', async () => {
    const clock = new ManualClock(0);
    let attempts = 0;
    const emulator = new PrinterEmulator();
    const loopback = new LoopbackBinding();
    emulator.attachLoopback(loopback.createPort('flaky'));
    const binding: SerialBinding = { open: (settings) => (++attempts < 3 ? Promise.reject(new Error('ENOENT')) : loopback.open(settings)) };
    const printer = new EscposPrinter({ path: 'flaky', clock, reconnectDelaysMs: [10, 20], binding });
    cleanups.push(() => printer.close());
    const delays: number[] = [];
    printer.on('retry', ({ delayMs }) => delays.push(delayMs));
    expect(await printer.start()).toBe(false);
    clock.advance(10);
    await until(() => delays.length === 2, 'second retry');
    const connected = next(printer, 'connected');
    clock.advance(20);
    await connected;
    expect(delays).toEqual([10, 20]);
  });

  it('close() rejects pending work with printer_closed and refuses more', async () => {
    const { emulator, printer } = await rig();
    emulator.setOnline(false);
    const printing = printer.print(buildTicketBytes(GOLDEN_TICKET));
    printing.catch(() => undefined);
    await until(() => emulator.buffered > 0, 'the job at the printer');
    await printer.close();
    await expect(printing).rejects.toMatchObject({ code: 'printer_closed' });
    await expect(printer.print(Buffer.from('x'))).rejects.toMatchObject({ code: 'printer_closed' });
    await expect(printer.checkStatus()).rejects.toMatchObject({ code: 'printer_closed' });
    expect(emulator.attached).toBe(false);
  });

  it('refuses bad options with a TypeError naming them', () => {
    expect(() => new EscposPrinter({ path: '' })).toThrow(TypeError);
    expect(() => new EscposPrinter({ path: '/dev/null', baudRate: -1 })).toThrow(/"baudRate"/);
  });
});
