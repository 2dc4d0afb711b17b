import { ticketLines, ticketText } from '../../hardware/escpos/ticket-bytes.ts';
import { canPrint, type PrinterState } from '../../protocol/events/peripherals.ts';
import type { HubPart } from '../part.ts';
import type { PrinterStateChange, TicketPrinter, TicketToPrint } from '../queue/ports.ts';
import type { TicketJobs } from './ticket-jobs.ts';

/** A printed ticket as the emulator keeps it: its lines, for a technician and for tests. */
export interface PrintedTicket {
  /** Null on a test page (`POST /api/printer/test`): it uses no queue number. */
  ticketId: string | null;
  number: string | null;
  test: boolean;
  lines: string[];
  reprint: boolean;
  at: string;
}

/**
 * What the built-in printer offers beyond the queue's TicketPrinter port: the last
 * tickets it printed, and a paper state set by hand (a technician rehearsing a
 * paper-out on the demo centre, `POST /api/printer/emulator`; tests). Only the
 * composition root sees it, and hands it to the printer routes and the test seam.
 */
export interface PrinterEmulator {
  /** The last tickets printed, oldest first. */
  readonly printed: readonly PrintedTicket[];
  setState(state: PrinterState, reason?: string | null): void;
  /**
   * The next print fails part-way, as when the paper runs out or the line is pulled
   * mid-ticket: the job is not confirmed and the printer goes offline with `reason`.
   */
  failNextPrint(reason: string): void;
}

const KEPT = 50;

/**
 * The built-in printer (`--printer emulator`): prints to memory the same layout a serial
 * printer puts on paper (hardware/escpos/ticket-bytes.ts, as plain lines), keeps the last
 * tickets for `GET /api/printer`, and can be told to fail.
 */
export class EmulatedTicketPrinter implements TicketPrinter, PrinterEmulator, HubPart {
  readonly kind = 'emulator' as const;
  readonly printed: PrintedTicket[] = [];
  readonly #jobs: TicketJobs;
  readonly #now: () => number;
  readonly #listeners = new Set<(change: PrinterStateChange) => void>();
  #state: PrinterState = 'ready';
  #failNext: string | null = null;

  constructor(jobs: TicketJobs, now: () => number) {
    this.#jobs = jobs;
    this.#now = now;
  }

  /** Nothing to open. */
  start(): void {}

  stop(): void {
    this.#listeners.clear();
  }

  state(): PrinterState {
    return this.#state;
  }

  async check(): Promise<PrinterState> {
    return this.#state;
  }

  setState(state: PrinterState, reason: string | null = null): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    for (const listener of this.#listeners) listener({ state, previous, reason });
  }

  failNextPrint(reason: string): void {
    this.#failNext = reason;
  }

  onStateChange(listener: (change: PrinterStateChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async print(job: TicketToPrint): Promise<void> {
    this.#beforePrint();
    const lines = ticketLines(ticketText(this.#jobs.jobFor(job)));
    this.#keep({ ticketId: job.ticket.id, number: job.ticket.number, test: false, lines, reprint: job.reprint, at: new Date(this.#now()).toISOString() });
  }

  async printTestPage(): Promise<void> {
    this.#beforePrint();
    this.#keep({ ticketId: null, number: null, test: true, lines: this.#jobs.testPage(this.#now(), 'built-in emulator'), reprint: false, at: new Date(this.#now()).toISOString() });
  }

  #beforePrint(): void {
    if (!canPrint(this.#state)) throw new Error(`printer ${this.#state}`);
    if (this.#failNext !== null) {
      const reason = this.#failNext;
      this.#failNext = null;
      this.setState('offline', reason);
      throw new Error(`print not confirmed: ${reason}`);
    }
  }

  #keep(printed: PrintedTicket): void {
    this.printed.push(printed);
    if (this.printed.length > KEPT) this.printed.splice(0, this.printed.length - KEPT);
  }
}
