import { EventEmitter } from 'node:events';
import { EscposError } from './errors.ts';
import type { PrinterPort } from './printer-port.ts';

/**
 * The host's end of an in-process "cable" to the printer emulator, shaped like
 * serialport 13's `SerialPort` as far as `EscposPrinter` uses it (`PrinterPort`). Like a
 * real port it never calls back or delivers data synchronously. Pass
 * `() => emulator.openPort()` as the driver's `openPort` for tests without a PTY.
 */
export class LoopbackPort extends EventEmitter implements PrinterPort {
  readonly #toPrinter: (bytes: Buffer) => void;
  readonly #onOpen: (port: LoopbackPort) => Error | undefined;
  readonly #onClose: (port: LoopbackPort) => void;
  #open = false;
  #closed = false;

  /**
   * `toPrinter` gets each written buffer; `onOpen` may refuse the open (the printer is
   * already attached elsewhere); `onClose` runs once when the host closes.
   */
  constructor(toPrinter: (bytes: Buffer) => void, onOpen: (port: LoopbackPort) => Error | undefined, onClose: (port: LoopbackPort) => void) {
    super();
    this.#toPrinter = toPrinter;
    this.#onOpen = onOpen;
    this.#onClose = onClose;
  }

  get isOpen(): boolean {
    return this.#open && !this.#closed;
  }

  open(callback: (error: Error | null) => void): void {
    const error = this.#closed || this.#open ? new EscposError('printer_closed', 'the loopback port cannot be reopened') : this.#onOpen(this);
    if (!error) this.#open = true;
    setImmediate(() => {
      if (!error) this.emit('open');
      callback(error ?? null);
    });
  }

  write(data: Buffer, callback?: (error: Error | null | undefined) => void): boolean {
    if (!this.isOpen) {
      setImmediate(() => callback?.(new EscposError('line_dropped', 'the loopback port is not open')));
      return false;
    }
    this.#toPrinter(Buffer.from(data)); // a copy: the caller may reuse its buffer
    if (callback) setImmediate(callback, null);
    return true;
  }

  drain(callback: (error: Error | null) => void): void {
    setImmediate(callback, this.isOpen ? null : new EscposError('line_dropped', 'the loopback port is not open'));
  }

  close(callback?: (error: Error | null) => void): void {
    if (!this.isOpen) {
      setImmediate(() => callback?.(new EscposError('printer_closed', 'the loopback port is not open')));
      return;
    }
    this.#closed = true;
    this.#onClose(this);
    setImmediate(() => {
      this.emit('close', null);
      callback?.(null);
    });
  }

  /** Printer side: bytes it transmitted. */
  deliver(bytes: Buffer): void {
    if (!this.isOpen) return;
    const copy = Buffer.from(bytes);
    setImmediate(() => this.isOpen && this.emit('data', copy));
  }

  /** Printer side: the line was pulled; the host sees the port close with an error. */
  lost(): void {
    if (!this.isOpen) return;
    this.#closed = true;
    const error = Object.assign(new Error('the line to the emulated printer was pulled'), { disconnected: true });
    setImmediate(() => this.emit('close', error));
  }
}
