import type { PrinterState } from '../../protocol/events/peripherals.ts';
import type { TicketView } from '../../protocol/queue/ticket.ts';

/**
 * How the queue reaches the hall's hardware: interfaces the queue declares and adapters
 * in hub/peripherals implement over the serial drivers (or the built-in emulator). The
 * composition root (hub.ts) constructs the adapters and hands them to the queue, so the
 * queue never imports a driver (docs/peripherals.md).
 */

/** A state change of the ticket printer, with what the printer or its line said. */
export interface PrinterStateChange {
  state: PrinterState;
  previous: PrinterState;
  reason: string | null;
}

/** One ticket to put on paper. The adapter lays it out (centre, service, wording). */
export interface TicketToPrint {
  ticket: TicketView;
  /** Printed again after a failed print: the paper says so. */
  reprint: boolean;
}

/**
 * The kiosk's ticket printer. The queue asks it before a number is allocated (no number
 * while it cannot print), hands it each issued ticket, and records a ticket printed only
 * when `print` resolves: the printer's own confirmation.
 */
export interface TicketPrinter {
  /** For /health: `emulator` (built in) or `serial`. */
  readonly kind: 'emulator' | 'serial';
  /** The last state known (automatic status back, or the last check). */
  state(): PrinterState;
  /** Can it print now? Asks the printer (DLE EOT on a serial printer); done before each number. */
  check(): Promise<PrinterState>;
  /** Prints one ticket; resolves once the printer confirms it, rejects when it does not. */
  print(job: TicketToPrint): Promise<void>;
  /** Called on every state change; returns an unsubscribe function. */
  onStateChange(listener: (change: PrinterStateChange) => void): () => void;
  /**
   * A technician's test page (`POST /api/printer/test`): no queue number is allocated or
   * printed. Resolves once the printer confirms it, as a ticket; rejects when it does not.
   */
  printTestPage(): Promise<void>;
}

/** Why a counter has no ticket on its display. */
export type CounterIdleReason = 'free' | 'paused' | 'closed';

/**
 * The signs that show calls: hall boards and the displays above counters. Told after
 * each committed change; showing never fails or delays the call (the web hall board
 * shows it too), so both methods return nothing.
 */
export interface CallSigns {
  /** A ticket was called (or recalled) to a counter. */
  showCall(call: { number: string; counterId: string }): void;
  /** The counter's ticket left it (finished, no-show, transferred) or the counter paused or closed. */
  showCounterIdle(counterId: string, reason: CounterIdleReason): void;
}
