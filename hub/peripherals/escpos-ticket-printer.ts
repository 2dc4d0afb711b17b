import { EscposPrinter, type PrinterStatus } from '../../hardware/escpos/escpos-printer.ts';
import { buildTicketBytes } from '../../hardware/escpos/ticket-bytes.ts';
import { buildTestPageBytes } from '../../hardware/escpos/test-page.ts';
import type { PrinterState } from '../../protocol/events/peripherals.ts';
import type { Logger } from '../logger.ts';
import type { HubPart } from '../part.ts';
import type { PrinterStateChange, TicketPrinter, TicketToPrint } from '../queue/ports.ts';
import type { TicketJobs } from './ticket-jobs.ts';

/**
 * The serial ESC/POS printer (hardware/escpos) as the queue's TicketPrinter: state from
 * Automatic Status Back, a DLE EOT check before each number, the ticket bytes from
 * node-thermal-printer (its defects worked around in ticket-bytes.ts), and the GS r
 * barrier as the confirmation that makes a print job `printed` (docs/peripherals.md).
 */
export class EscposTicketPrinter implements TicketPrinter, HubPart {
  readonly kind = 'serial' as const;
  readonly #driver: EscposPrinter;
  readonly #jobs: TicketJobs;
  readonly #listeners = new Set<(change: PrinterStateChange) => void>();
  readonly #now: () => number;
  #last: PrinterState;

  /** `now` dates the test page (the hub's clock). */
  constructor(driver: EscposPrinter, jobs: TicketJobs, log: Logger, now: () => number = Date.now) {
    this.#now = now;
    this.#driver = driver;
    this.#jobs = jobs;
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

  async stop(): Promise<void> {
    this.#listeners.clear();
    await this.#driver.close();
  }

  state(): PrinterState {
    return this.#driver.state();
  }

  async check(): Promise<PrinterState> {
    return (await this.#driver.checkStatus()).state;
  }

  async print(job: TicketToPrint): Promise<void> {
    await this.#driver.print(buildTicketBytes(this.#jobs.jobFor(job)));
  }

  async printTestPage(): Promise<void> {
    await this.#driver.print(buildTestPageBytes(this.#jobs.testPage(this.#now(), this.#driver.path)));
  }

  onStateChange(listener: (change: PrinterStateChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #onState(status: PrinterStatus): void {
    const previous = this.#last;
    if (status.state === previous) return;
    this.#last = status.state;
    const reason = status.source === 'line' ? `no answer on ${this.#driver.path}` : `reported by the printer (${status.source === 'asb' ? 'automatic status' : 'status query'})`;
    for (const listener of this.#listeners) listener({ state: status.state, previous, reason });
  }
}
