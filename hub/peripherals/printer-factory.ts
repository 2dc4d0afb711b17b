import { EscposPrinter } from '../../hardware/escpos/escpos-printer.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { HubConfig } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { HubPart } from '../part.ts';
import type { TicketPrinter } from '../queue/ports.ts';
import { EmulatedTicketPrinter, type PrinterEmulator } from './emulated-ticket-printer.ts';
import { EscposTicketPrinter } from './escpos-ticket-printer.ts';
import type { TicketJobs } from './ticket-jobs.ts';

export interface TicketPrinterAdapter {
  /** The queue's port, with its line's lifecycle for the composition root. */
  printer: TicketPrinter & HubPart;
  /** The built-in emulator's extra controls; null with a serial printer. */
  emulator: PrinterEmulator | null;
}

/** `--printer emulator` (the default: prints to memory) or the serial path of an ESC/POS printer. */
export function createTicketPrinter(settings: HubConfig['printer'], jobs: TicketJobs, clock: Clock, log: Logger): TicketPrinterAdapter {
  if (settings.path === 'emulator') {
    const emulator = new EmulatedTicketPrinter(jobs, () => clock.now());
    return { printer: emulator, emulator };
  }
  const driver = new EscposPrinter({
    path: settings.path,
    baudRate: settings.baudRate,
    statusTimeoutMs: settings.statusTimeoutMs,
    printTimeoutMs: settings.confirmTimeoutMs,
    nearEndSensor: settings.nearEndSensor,
    clock,
  });
  return { printer: new EscposTicketPrinter(driver, jobs, log, () => clock.now()), emulator: null };
}
