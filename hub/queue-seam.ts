import type { OfficerPins } from './auth/officer-pins.ts';
import type { PrinterEmulator } from './peripherals/emulated-ticket-printer.ts';
import type { IssueTicket } from './queue/issue-ticket.ts';
import type { QueueService } from './queue/queue-service.ts';

/**
 * The queue as a process embedding the hub may drive it without HTTP: the demo's
 * simulated hall and the tests. Narrow on purpose (the same use cases the API runs, and
 * the built-in printer's controls), so nothing outside hub/ reaches the queue's or the
 * peripherals' insides; everything else goes through the HTTP API as the pages do.
 */
export interface QueueSeam {
  /** The kiosk's use case, as `POST /api/tickets` runs it. */
  readonly issue: IssueTicket;
  /** Counter and manager commands, as the counter API runs them. */
  readonly commands: Pick<QueueService, 'run'>;
  /** Officer PINs, as `huduma-hub officer add` sets them. */
  readonly officers: OfficerPins;
  /** The built-in printer's controls (`printer.path` = `emulator`); null with a serial printer. */
  readonly printerEmulator: PrinterEmulator | null;
}
