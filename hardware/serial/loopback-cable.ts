import { EventEmitter } from 'node:events';
import type { OpenSerialPort, SerialPortLike } from './serial-line.ts';

/**
 * An in-process serial cable between a driver and an emulated device, for tests on an
 * injected clock (no PTY, no real time): the driver opens it through `openPort`, the
 * device listens with `onHostBytes` and answers with `toHost`. `unplug()` drops the line
 * as pulling a USB adapter does (the open port closes with an error, reopening fails)
 * until `plug()`. Bytes cross on the next turn of the event loop, never synchronously.
 * Shared with hardware/vfd/; it belongs in hardware/serial/.
 */
export class LoopbackCable {
  #plugged = true;
  #port: LoopbackPort | undefined;
  #device: ((bytes: Buffer) => void) | undefined;

  /** For the driver's `openPort` option. */
  readonly openPort: OpenSerialPort = () => new LoopbackPort(this);

  get plugged(): boolean {
    return this.#plugged;
  }

  /** Whether a driver has the port open now. */
  get hostAttached(): boolean {
    return this.#port?.isOpen ?? false;
  }

  /** The device end: bytes the host writes go to `listener`. */
  onHostBytes(listener: (bytes: Buffer) => void): void {
    this.#device = listener;
  }

  /** Bytes from the device to whichever host has the port open (lost if none). */
  toHost(bytes: Buffer): void {
    const port = this.#port;
    if (port) setImmediate(() => port.isOpen && port.emit('data', Buffer.from(bytes)));
  }

  unplug(): void {
    this.#plugged = false;
    const port = this.#port;
    this.#port = undefined;
    port?.lost(new Error('EIO: i/o error (loopback cable unplugged)'));
  }

  plug(): void {
    this.#plugged = true;
  }

  /** @internal the port opening, writing or closing. */
  claim(port: LoopbackPort): boolean {
    if (!this.#plugged) return false;
    this.#port = port;
    return true;
  }

  /** @internal */
  release(port: LoopbackPort): void {
    if (this.#port === port) this.#port = undefined;
  }

  /** @internal */
  fromHost(bytes: Buffer): void {
    this.#device?.(Buffer.from(bytes));
  }
}

/** The host end of a `LoopbackCable`, shaped like a serialport 13 stream. */
class LoopbackPort extends EventEmitter implements SerialPortLike {
  readonly #cable: LoopbackCable;
  #open = false;

  constructor(cable: LoopbackCable) {
    super();
    this.#cable = cable;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  open(callback: (error: Error | null) => void): void {
    setImmediate(() => {
      if (!this.#cable.claim(this)) return callback(new Error('ENOENT: no such file or directory (loopback cable unplugged)'));
      this.#open = true;
      callback(null);
    });
  }

  close(callback?: (error: Error | null) => void): void {
    const wasOpen = this.#open;
    this.#open = false;
    this.#cable.release(this);
    setImmediate(() => {
      if (wasOpen) this.emit('close', null);
      callback?.(wasOpen ? null : new Error('Port is not open'));
    });
  }

  write(data: Buffer, callback?: (error: Error | null | undefined) => void): boolean {
    setImmediate(() => {
      if (!this.#open) return callback?.(new Error('Port is not open'));
      this.#cable.fromHost(data);
      callback?.(null);
    });
    return true;
  }

  drain(callback?: (error: Error | null) => void): void {
    // After the writes queued before it, as a real drain is.
    setImmediate(() => setImmediate(() => callback?.(this.#open ? null : new Error('Port is not open'))));
  }

  set(_options: { dtr?: boolean }, callback?: (error: Error | null) => void): void {
    setImmediate(() => callback?.(null));
  }

  /** @internal the cable was pulled. */
  lost(error: Error): void {
    if (!this.#open) return;
    this.#open = false;
    setImmediate(() => this.emit('close', error));
  }
}
