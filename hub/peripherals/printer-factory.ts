import { EscposPrinter } from '../../hardware/escpos/escpos-printer.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { HubConfig } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import { EscposTicketPrinter } from './escpos-ticket-printer.ts';
import { EmulatedTicketPrinter, type TicketPrinter } from './ticket-printer.ts';

/** `--printer emulator` (the default: prints to memory) or the serial path of an ESC/POS printer. */
export function createTicketPrinter(settings: HubConfig['printer'], clock: Clock, log: Logger): TicketPrinter {
  if (settings.path === 'emulator') return new EmulatedTicketPrinter(() => clock.now());
  const driver = new EscposPrinter({
    path: settings.path,
    baudRate: settings.baudRate,
    statusTimeoutMs: settings.statusTimeoutMs,
    printTimeoutMs: settings.confirmTimeoutMs,
    nearEndSensor: settings.nearEndSensor,
    clock,
  });
  return new EscposTicketPrinter(driver, log);
}
