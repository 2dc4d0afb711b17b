import { HardwareError, isErrorOf } from '../hardware-error.ts';

/**
 * Errors of the serial line (serial-line.ts). Each carries a stable `code` (never
 * reused) so drivers branch on codes, not message text; `disconnected` says whether the
 * line is gone (a reopen follows) rather than merely slow. See docs/protocols/serial-lines.md.
 */
export type SerialLineErrorCode =
  /** The port could not be opened (the cause says why: ENOENT, EBUSY, the device refused). */
  | 'open_failed'
  /** A write on a line that is not open (never opened, stopped, or lost). */
  | 'not_open'
  /** The write failed, or the line was lost before it drained; the bytes may or may not have arrived. */
  | 'write_failed'
  /** The bytes did not drain within the write timeout (flow control held them, nobody reads). The line stays open. */
  | 'write_timeout';

export class SerialLineError extends HardwareError<SerialLineErrorCode> {
  constructor(code: SerialLineErrorCode, message: string, options?: { cause?: unknown }) {
    super('SerialLineError', code, message, options, code !== 'write_timeout');
  }
}

/** Whether `error` is a `SerialLineError` (with `code`, if given). */
export const isSerialLineError = (error: unknown, code?: SerialLineErrorCode): error is SerialLineError => isErrorOf(SerialLineError, error, code);
