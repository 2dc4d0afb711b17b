import { canPrint, type PrinterState } from '../../protocol/events/peripherals.ts';
import type { QueueCommand, QueueResult } from './commands.ts';
import type { TicketPrinter } from './ports.ts';
import type { PrintSpooler } from './print-spooler.ts';
import type { QueueService } from './queue-service.ts';

/** The printer cannot print: no number was allocated (process contract: 503 `printer_unavailable`). */
export class PrinterUnavailableError extends Error {
  readonly code = 'printer_unavailable';
  readonly state: PrinterState;

  constructor(state: PrinterState) {
    super(`the ticket printer reports ${state.replaceAll('_', ' ')}; no ticket was issued`);
    this.name = 'PrinterUnavailableError';
    this.state = state;
  }
}

export type IssueCommand = Extract<QueueCommand, { kind: 'issue' | 'check_in' }>;

export interface IssuedTicket {
  result: QueueResult;
  /** Whether the printer confirmed the ticket; when not, it is reprinted once the printer is back. */
  printed: boolean;
}

/**
 * Issuing a ticket, as the kiosk asks for one (a walk-in or an appointment check-in):
 * the printer is asked first, so no number is handed out that cannot be printed; then
 * the number is allocated (committed with its pending print job); then the ticket is
 * printed. A print that fails after that keeps the number: the answer says
 * `printed: false` and the spooler reprints it once the printer is back.
 */
export class IssueTicket {
  readonly #printer: TicketPrinter;
  readonly #queue: QueueService;
  readonly #spooler: PrintSpooler;

  constructor(options: { printer: TicketPrinter; queue: QueueService; spooler: PrintSpooler }) {
    this.#printer = options.printer;
    this.#queue = options.queue;
    this.#spooler = options.spooler;
  }

  /** Throws PrinterUnavailableError (nothing changed) or QueueUnavailableError; a refusal is a result. */
  async issue(command: IssueCommand): Promise<IssuedTicket> {
    const state = await this.#printer.check();
    if (!canPrint(state)) throw new PrinterUnavailableError(state);
    const result = await this.#queue.run(command);
    if (!result.ok || !result.ticket) return { result, printed: false };
    return { result, printed: await this.#spooler.printIssued(result.ticket) };
  }
}
