import { EscposPrinter, type PrinterStatus } from '../../hardware/escpos/escpos-printer.ts';
import { buildTicketBytes } from '../../hardware/escpos/ticket-bytes.ts';
import type { Logger } from '../logger.ts';
import type { PrinterState, PrinterStateChange, TicketPrint, TicketPrinter } from './ticket-printer.ts';

/**
 * The serial ESC/POS printer behind the hub's TicketPrinter (hardware/escpos): state
 * from Automatic Status Back, a DLE EOT check before each number, the ticket bytes from
 * node-thermal-printer (its defects worked around in ticket-bytes.ts), and the GS r
 * barrier as the confirmation that makes a print job `printed`.
 */
export class EscposTicketPrinter implements TicketPrinter {
  readonly kind = 'serial' as const;
  readonly #driver: EscposPrinter;
  readonly #log: Logger;
  readonly #listeners = new Set<(change: PrinterStateChange) => void>();
  #last: PrinterState;

  constructor(driver: EscposPrinter, log: Logger) {
    this.#driver = driver;
    this.#log = log;
    this.#last = driver.state();
    driver.on('state', (status) => this.#onState(status));
    driver.on('connected', () => log.info({ path: driver.path }, 'ticket printer line open'));
    driver.on('disconnected', (error) => error && log.warn({ path: driver.path, err: error }, 'ticket printer line lost; reconnecting'));
    driver.on('retry', ({ attempt, delayMs, error }) => attempt === 1 && log.warn({ path: driver.path, delayMs, err: error }, 'cannot open the ticket printer line; retrying'));
  }

  /** Opens the line (retrying in the background if it cannot yet). */
  async start(): Promise<void> {
    await this.#driver.start();
  }

  state(): PrinterState {
    return this.#driver.state();
  }

  async check(): Promise<PrinterState> {
    return (await this.#driver.checkStatus()).state;
  }

  async print({ centreName, serviceNames, ticket, timeZone, reprint }: TicketPrint): Promise<void> {
    const job = buildTicketBytes({
      centreName: reprint ? { en: `${centreName.en} - REPRINT`, sw: `${centreName.sw} - NAKALA` } : centreName,
      serviceNames,
      number: ticket.number,
      ticketId: ticket.id,
      peopleAhead: ticket.peopleAhead,
      quotedWait: ticket.quotedWait,
      issuedAt: ticket.issuedAt,
      timeZone,
    });
    await this.#driver.print(job);
  }

  onStateChange(listener: (change: PrinterStateChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await this.#driver.close();
  }

  #onState(status: PrinterStatus): void {
    const previous = this.#last;
    if (status.state === previous) return;
    this.#last = status.state;
    const reason = status.source === 'line' ? `no answer on ${this.#driver.path}` : `reported by the printer (${status.source === 'asb' ? 'automatic status' : 'status query'})`;
    for (const listener of this.#listeners) listener({ state: status.state, previous, reason });
  }
}
