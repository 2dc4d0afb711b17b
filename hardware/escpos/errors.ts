import { HardwareError, isErrorOf } from '../hardware-error.ts';

/**
 * Errors of the ESC/POS printer driver, its codec and its emulator. Each carries a stable
 * `code` (never reused) so the hub branches on codes, not on message text
 * (hardware/hardware-error.ts).
 */
export type EscposErrorCode =
  /** The ticket cannot be turned into bytes (bad number, time zone, QR payload). */
  | 'ticket_invalid'
  /** `print` while no serial line to the printer is open. */
  | 'not_connected'
  /**
   * The serial line closed or failed while a job was written or awaited its `GS r`
   * barrier (a pulled cable; a PTY whose far side closed gives EIO/close). The ticket may
   * or may not have printed: reprint it.
   */
  | 'line_dropped'
  /**
   * No `GS r 1` barrier reply within the print timeout (docs/protocols/escpos.md §6
   * step 4: went offline mid-ticket, e.g. paper ran out), or the printer held the job
   * back with XOFF for as long. The ticket may be partly printed: re-check status, reprint or void.
   */
  | 'print_not_confirmed'
  /** A `DLE EOT` query went unanswered (inside `checkStatus`, which reports `offline`). */
  | 'no_reply'
  /** The driver (or emulator) was closed. */
  | 'printer_closed'
  /** The emulator could not open its serial device. */
  | 'serial_open_failed'
  /** Something is already attached to the emulator's one serial port. */
  | 'emulator_attached';

export class EscposError extends HardwareError<EscposErrorCode> {
  constructor(code: EscposErrorCode, message: string, options?: { cause?: unknown }) {
    super('EscposError', code, message, options, code === 'line_dropped' || code === 'not_connected');
  }
}

/** Whether `error` is an `EscposError` (with `code`, if given). */
export const isEscposError = (error: unknown, code?: EscposErrorCode): error is EscposError => isErrorOf(EscposError, error, code);
