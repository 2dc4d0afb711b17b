import { HardwareError, isErrorOf } from '../hardware-error.ts';

/**
 * Errors of the DM-D counter-display codec, driver and emulator (docs/protocols/dm-d.md).
 * Each carries a stable `code` (never reused) so the hub branches on codes, not on message
 * text (hardware/hardware-error.ts).
 */
export type DmdErrorCode =
  /** A cursor position outside columns 1–20, rows 1–2. */
  | 'position_invalid'
  /** A command argument out of its range (brightness 1–4, blink 0–255, …). */
  | 'value_invalid'
  /** `show` while no serial line to the display is open; the text is sent once it is back. */
  | 'not_connected'
  /** The line failed or closed while the text was written; it is resent after reconnect. */
  | 'line_dropped'
  /**
   * The bytes did not drain within the write timeout (flow control held them, or nobody
   * is reading the far end). The protocol has no ACK (§1): this is the health signal.
   */
  | 'not_drained'
  /** A newer `show` replaced this one before it was written. */
  | 'superseded'
  /** The driver was stopped. */
  | 'stopped'
  /** The emulator could not open its serial device. */
  | 'serial_open_failed';

export class DmdError extends HardwareError<DmdErrorCode> {
  constructor(code: DmdErrorCode, message: string, options?: { cause?: unknown }) {
    super('DmdError', code, message, options, code === 'not_connected' || code === 'line_dropped');
  }
}

/** Whether `error` is a `DmdError` (with `code`, if given). */
export const isDmdError = (error: unknown, code?: DmdErrorCode): error is DmdError => isErrorOf(DmdError, error, code);
