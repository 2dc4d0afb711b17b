import { HardwareError, isErrorOf } from '../hardware-error.ts';

/**
 * Errors of the Alpha Sign codec, driver and emulator (docs/protocols/alpha-sign.md).
 * Each carries a stable `code` (never reused) so the hub branches on codes, not on
 * message text (hardware/hardware-error.ts).
 */
export type AlphaErrorCode =
  /** Not a sign address: two hex digits `00`–`FF` (`?` = wildcard nibble), or 0–255. */
  | 'address_invalid'
  /** A type code, file label, command code, position or mode that is not one byte of printable ASCII. */
  | 'field_invalid'
  /** More lines than a text file has positions for (top, middle, bottom). */
  | 'text_invalid'
  /** `show` while no serial line to the bus is open; the text is sent once it is back. */
  | 'not_connected'
  /** The line closed while the packet was written or awaited its ACK; it is resent after reconnect. */
  | 'line_dropped'
  /** ACK/NAK mode: no ACK after every retry; the driver keeps retrying with backoff. */
  | 'no_answer'
  /** ACK/NAK mode: the sign answered NAK to every retry (it saw a bad checksum). */
  | 'rejected'
  /** A newer `show` for the same address replaced this one before it was acknowledged. */
  | 'superseded'
  /** The driver (or emulator) was stopped. */
  | 'stopped'
  /** The emulator could not open its serial device. */
  | 'serial_open_failed';

export class AlphaError extends HardwareError<AlphaErrorCode> {
  constructor(code: AlphaErrorCode, message: string, options?: { cause?: unknown }) {
    super('AlphaError', code, message, options, code === 'not_connected' || code === 'line_dropped');
  }
}

/** Whether `error` is an `AlphaError` (with `code`, if given). */
export const isAlphaError = (error: unknown, code?: AlphaErrorCode): error is AlphaError => isErrorOf(AlphaError, error, code);
