import { EventEmitter } from 'node:events';
import type { FirmataTransport } from '../simulated-board.ts';
import { AvrHarnessError } from './avr-errors.ts';

/**
 * The host's end of a virtual USB cable, shaped like serialport 13's `SerialPort` as far
 * as firmata-io 2.3.0 uses it (`lib/firmata.js`: `on('open'|'data'|'close'|'error')`,
 * `write(buf, cb)`): bytes written go to the board, bytes from the board arrive as
 * `data`. `open` is emitted once the board is up, like a port whose open completed.
 */
export class InProcessTransport extends EventEmitter implements FirmataTransport {
  readonly #toBoard: (bytes: Uint8Array) => void;
  readonly #onClose: () => void;
  #open = false;
  #closed = false;

  constructor(toBoard: (bytes: Uint8Array) => void, onClose: () => void) {
    super();
    this.#toBoard = toBoard;
    this.#onClose = onClose;
  }

  get isOpen(): boolean {
    return this.#open && !this.#closed;
  }

  write(data: Buffer, callback?: (error?: Error | null) => void): boolean {
    if (!this.isOpen) {
      const error = new AvrHarnessError('board_closed', this.#closed ? 'the port is closed' : 'the port is not open yet');
      process.nextTick(() => (callback ? callback(error) : this.emit('error', error)));
      return false;
    }
    // Copy: the caller may reuse its buffer, and the bytes cross to another thread.
    this.#toBoard(Uint8Array.from(data));
    // serialport calls back once the bytes are handed to the OS, never synchronously.
    if (callback) process.nextTick(callback, null);
    return true;
  }

  close(callback?: (error?: Error | null) => void): void {
    if (this.#closed) {
      process.nextTick(() => callback?.(new AvrHarnessError('board_closed', 'the port is already closed')));
      return;
    }
    this.#closed = true;
    this.#onClose();
    process.nextTick(() => {
      this.emit('close');
      callback?.(null);
    });
  }

  /** Called by the board: the port is open (and the board was reset by DTR). */
  opened(): void {
    if (this.#closed) return;
    this.#open = true;
    this.emit('open');
  }

  /** Called by the board: bytes the firmware transmitted. */
  received(bytes: Uint8Array): void {
    if (this.isOpen) this.emit('data', Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  /** Called by the board when it goes away (closed, or its simulator died). */
  lost(error: Error | null): void {
    if (this.#closed) return;
    this.#closed = true;
    if (error) this.emit('error', error);
    this.emit('close');
  }
}
