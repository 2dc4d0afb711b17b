import { HardwareError } from '../hardware-error.ts';

/**
 * Errors of the pure-JS Firmata board emulator. Each carries a stable `code` (never
 * reused; the same vocabulary as the avr8js harness's `AvrHarnessError`, so one suite can
 * run against both boards) so callers branch on codes, not on message text.
 */
export type FirmataEmulatorErrorCode =
  /** A pin number outside the Uno/Nano's D0–D13, A0–A5 (14–19). */
  | 'pin_invalid'
  /** Something is already connected to the board's one serial port. */
  | 'board_attached'
  /** The board, or the port written to, was closed. */
  | 'board_closed'
  /** The serial device could not be opened. */
  | 'serial_open_failed';

export class FirmataEmulatorError extends HardwareError<FirmataEmulatorErrorCode> {
  constructor(code: FirmataEmulatorErrorCode, message: string, options?: { cause?: unknown }) {
    super('FirmataEmulatorError', code, message, options);
  }
}
