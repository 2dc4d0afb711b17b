import { EventEmitter } from 'node:events';
import type { FirmataTransport } from './simulated-board.ts';
import { FirmataEmulatorError } from './emulator-errors.ts';

/**
 * The host's end of an in-process "USB cable" to the emulator, shaped like serialport
 * 13's `SerialPort` as far as firmata-io 2.3.0 uses it (`lib/firmata.js`:
 * `on('open'|'data'|'close'|'error')`, `write(buf, cb)`). Like a real port it never calls
 * back or delivers data synchronously, so host code that registers a listener right
 * after writing its query (firmata-io's `digitalRead`) still sees the reply.
 */
export class LoopbackTransport extends EventEmitter implements FirmataTransport {
  readonly #toBoard: (bytes: Buffer) => void;
  readonly #onClose: () => void;
  #open = false;
  #closed = false;

  /** `toBoard` gets each written buffer; `onClose` runs once when the host closes. */
  constructor(toBoard: (bytes: Buffer) => void, onClose: () => void) {
    super();
    this.#toBoard = toBoard;
    this.#onClose = onClose;
  }

  get isOpen(): boolean {
    return this.#open && !this.#closed;
  }

  write(data: Buffer, callback?: (error?: Error | null) => void): boolean {
    if (!this.isOpen) {
      const error = new FirmataEmulatorError('board_closed', this.#closed ? 'the port is closed' : 'the port is not open yet');
      process.nextTick(() => (callback ? callback(error) : this.emit('error', error)));
      return false;
    }
    // Copy into a buffer of its own (Buffer.alloc never uses the shared pool): the
    // caller may reuse its buffer, and the avr8js board transfers this one to a worker.
    const copy = Buffer.alloc(data.length);
    data.copy(copy);
    this.#toBoard(copy);
    if (callback) process.nextTick(callback, null);
    return true;
  }

  close(callback?: (error?: Error | null) => void): void {
    if (this.#closed) {
      process.nextTick(() => callback?.(new FirmataEmulatorError('board_closed', 'the port is already closed')));
      return;
    }
    this.#closed = true;
    this.#onClose();
    process.nextTick(() => {
      this.emit('close');
      callback?.(null);
    });
  }

  /** Board side: the port finished opening. */
  opened(): void {
    if (this.#closed || this.#open) return;
    this.#open = true;
    this.emit('open');
  }

  /** Board side: bytes the board transmitted (a Uint8Array may come from a worker thread). */
  deliver(bytes: Uint8Array): void {
    if (this.isOpen) this.emit('data', Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  /** Board side: the board went away (closed, or its simulator died); the host sees the port close. */
  lost(error: Error | null = null): void {
    if (this.#closed) return;
    this.#closed = true;
    process.nextTick(() => {
      if (error) this.emit('error', error);
      this.emit('close');
    });
  }
}
