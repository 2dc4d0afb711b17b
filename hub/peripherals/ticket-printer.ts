import type { PrinterState } from '../../protocol/events/peripherals.ts';
import type { LocalizedText, TicketView } from '../../protocol/queue/ticket.ts';

export type { PrinterState } from '../../protocol/events/peripherals.ts';

/** Tickets print while the printer is ready or only near the end of its paper. */
export function canPrint(state: PrinterState): boolean {
  return state === 'ready' || state === 'paper_near_end';
}

/** What goes on a ticket. */
export interface TicketPrint {
  centreName: LocalizedText;
  serviceNames: LocalizedText;
  ticket: TicketView;
  /** The centre's timezone, for the issue time printed on the ticket. */
  timeZone: string;
  /** A ticket printed again after a failure says so. */
  reprint: boolean;
}

export interface PrinterStateChange {
  state: PrinterState;
  previous: PrinterState;
  reason: string | null;
}

/**
 * The kiosk's ticket printer, as the hub uses it: the serial ESC/POS printer
 * (escpos-ticket-printer.ts) and the built-in emulator implement it.
 */
export interface TicketPrinter {
  readonly kind: 'emulator' | 'serial';
  /** Opens the line, if there is one (a printer that is not there yet is retried in the background). */
  start?(): Promise<void>;
  /** The last state known (from automatic status back, or the last check). */
  state(): PrinterState;
  /** Asks the printer now (DLE EOT on a serial printer): done before a number is allocated. */
  check(): Promise<PrinterState>;
  /** Prints one ticket; resolves once the printer confirms the job, rejects when it does not. */
  print(ticket: TicketPrint): Promise<void>;
  /** Called on every state change; returns an unsubscribe function. */
  onStateChange(listener: (change: PrinterStateChange) => void): () => void;
  close(): Promise<void>;
}

/** A printed ticket as the emulator keeps it: its lines, for a technician and for tests. */
export interface PrintedTicket {
  ticketId: string;
  number: string;
  lines: string[];
  reprint: boolean;
  at: string;
}

const KEPT = 50;

/**
 * The built-in printer (`--printer emulator`): prints to memory, keeps the last tickets'
 * text for `GET /api/printer`, and can be told to fail (`setState`, for tests and for
 * rehearsing a paper-out on the demo centre).
 */
export class EmulatedTicketPrinter implements TicketPrinter {
  readonly kind = 'emulator' as const;
  readonly printed: PrintedTicket[] = [];
  #state: PrinterState = 'ready';
  #failNext: string | null = null;
  readonly #now: () => number;
  readonly #listeners = new Set<(change: PrinterStateChange) => void>();

  constructor(now: () => number) {
    this.#now = now;
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

  /**
   * The next print fails part-way, as when the paper runs out or the line is pulled
   * mid-ticket: the job is not confirmed and the printer goes offline with `reason`.
   */
  failNextPrint(reason: string): void {
    this.#failNext = reason;
  }

  onStateChange(listener: (change: PrinterStateChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async print({ centreName, serviceNames, ticket, reprint }: TicketPrint): Promise<void> {
    if (!canPrint(this.#state)) throw new Error(`printer ${this.#state}`);
    if (this.#failNext !== null) {
      const reason = this.#failNext;
      this.#failNext = null;
      this.setState('offline', reason);
      throw new Error(`print not confirmed: ${reason}`);
    }
    const wait = ticket.quotedWait ? `${ticket.quotedWait.lowMin}-${ticket.quotedWait.highMin} min` : '-';
    const lines = [
      centreName.en,
      `${serviceNames.en} / ${serviceNames.sw}`,
      ticket.number,
      `People ahead / Watu mbele yako: ${ticket.peopleAhead}`,
      `Estimated wait / Muda wa kusubiri: ${wait}`,
      ticket.issuedAt,
      ...(reprint ? ['REPRINT / NAKALA'] : []),
      `QR:${ticket.id}`,
    ];
    this.printed.push({ ticketId: ticket.id, number: ticket.number, lines, reprint, at: new Date(this.#now()).toISOString() });
    if (this.printed.length > KEPT) this.printed.splice(0, this.printed.length - KEPT);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
