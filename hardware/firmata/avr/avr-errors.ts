import { HardwareError } from '../../hardware-error.ts';

/**
 * Errors of the avr8js StandardFirmata harness. Each carries a stable `code` (never
 * reused) so tests branch on codes, not on message text.
 */
export type AvrHarnessErrorCode =
  /** `npm pack avrgirl-arduino` or extracting the hex failed (no registry access, no tar). */
  | 'firmware_fetch_failed'
  /** The downloaded hex is not the file whose hash we pinned. */
  | 'firmware_hash_mismatch'
  /** A line of Intel HEX is malformed, fails its checksum or writes outside flash. */
  | 'intel_hex_invalid'
  /** A pin number outside the Uno/Nano's D0–D13, A0–A5 (14–19). */
  | 'pin_invalid'
  /** A board option out of range (a speed that is not a positive number). */
  | 'option_invalid'
  /** The serial device given to `attachSerial` could not be opened. */
  | 'serial_open_failed'
  /** Something is already connected to the board's one serial port. */
  | 'board_attached'
  /** The board was closed. */
  | 'board_closed'
  /** The simulator thread failed to start or died. */
  | 'simulator_failed';

export class AvrHarnessError extends HardwareError<AvrHarnessErrorCode> {
  constructor(code: AvrHarnessErrorCode, message: string, options?: { cause?: unknown }) {
    super('AvrHarnessError', code, message, options);
  }
}

/** An Intel HEX record that cannot be loaded; `line` is 1-based. */
export class IntelHexError extends AvrHarnessError {
  readonly line: number;

  constructor(line: number, message: string) {
    super('intel_hex_invalid', `Intel HEX line ${line}: ${message}`);
    this.name = 'IntelHexError';
    this.line = line;
  }
}
