import type { LocalizedText, TicketView } from '../../protocol/queue/ticket.ts';

/**
 * Printer states that matter to issuing (hardware-protocols.md, ESC/POS status):
 * tickets are issued only when `ready` or `paper_near_end`; the others stop the kiosk
 * with `printer_unavailable` before a number is allocated.
 */
export type PrinterState = 'ready' | 'paper_near_end' | 'paper_end' | 'cover_open' | 'offline';

export function canPrint(state: PrinterState): boolean {
  return state === 'ready' || state === 'paper_near_end';
}

/** What goes on a ticket. */
export interface TicketPrint {
  centreName: LocalizedText;
  serviceNames: LocalizedText;
  ticket: TicketView;
}

/** The kiosk's ticket printer; the serial ESC/POS driver (issue 6) and the emulator implement it. */
export interface TicketPrinter {
  readonly kind: 'emulator' | 'serial';
  state(): PrinterState;
  print(ticket: TicketPrint): Promise<void>;
  close(): Promise<void>;
}

/** A printed ticket as the emulator keeps it: its lines, for a technician and for tests. */
export interface PrintedTicket {
  ticketId: string;
  number: string;
  lines: string[];
  at: string;
}

const KEPT = 50;

/**
 * The built-in printer: always ready unless told otherwise (`setState`, for tests and
 * the demo's technician page), keeps the last tickets' text. The serial ESC/POS
 * printer with live status replaces it with `--printer PATH` (issue 6).
 */
export class EmulatedTicketPrinter implements TicketPrinter {
  readonly kind = 'emulator' as const;
  readonly printed: PrintedTicket[] = [];
  #state: PrinterState = 'ready';
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  state(): PrinterState {
    return this.#state;
  }

  setState(state: PrinterState): void {
    this.#state = state;
  }

  async print({ centreName, serviceNames, ticket }: TicketPrint): Promise<void> {
    if (!canPrint(this.#state)) throw new Error(`printer ${this.#state}`);
    const wait = ticket.quotedWait ? `${ticket.quotedWait.lowMin}-${ticket.quotedWait.highMin} min` : '-';
    const lines = [
      centreName.en,
      `${serviceNames.en} / ${serviceNames.sw}`,
      ticket.number,
      `People ahead / Watu mbele yako: ${ticket.peopleAhead}`,
      `Estimated wait / Muda wa kusubiri: ${wait}`,
      ticket.issuedAt,
      `QR:${ticket.id}`,
    ];
    this.printed.push({ ticketId: ticket.id, number: ticket.number, lines, at: new Date(this.#now()).toISOString() });
    if (this.printed.length > KEPT) this.printed.splice(0, this.printed.length - KEPT);
  }

  async close(): Promise<void> {}
}

/**
 * A serial printer path given before the ESC/POS driver exists (issue 6): reported
 * offline, so the kiosk refuses with `printer_unavailable` instead of handing out
 * numbers that never print.
 */
export class UnsupportedSerialPrinter implements TicketPrinter {
  readonly kind = 'serial' as const;
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  state(): PrinterState {
    return 'offline';
  }

  async print(): Promise<void> {
    throw new Error(`no driver for the serial printer at ${this.path} yet`);
  }

  async close(): Promise<void> {}
}
