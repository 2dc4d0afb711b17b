import { EventEmitter } from 'node:events';
import type { Clock } from '../../runtime/clock.ts';
import type { SerialBinding } from '../serial/serial-binding.ts';
import { SerialLineError } from '../serial/serial-errors.ts';
import { openOnce, SerialLine } from '../serial/serial-line.ts';
import type { FirmataTransport } from './simulated-board.ts';

/** StandardFirmata's `Firmata.begin(57600)`, 8N1 (docs/protocols/firmata.md §1). */
export const FIRMATA_BAUD = 57_600;

export interface FirmataLineOptions {
  /** Default serialport on the OS; in-process boards serve a `LoopbackBinding`. */
  binding?: SerialBinding;
  clock?: Clock;
  /** The dead-line check (docs/protocols/serial-lines.md). Default 1000. */
  lineCheckMs?: number;
}

/** Opens the serial line to a Firmata board once (no reopen: the bridge reopens with its own backoff). */
export async function openFirmataLine(path: string, options: FirmataLineOptions = {}): Promise<SerialLine> {
  const line = new SerialLine({
    path,
    baudRate: FIRMATA_BAUD,
    dataBits: 8,
    parity: 'none',
    stopBits: 1,
    reconnect: false,
    writeTimeoutMs: 0, // firmata-io counts its writes in flight; a stuck board is the bridge's probe to find
    ...options,
  });
  await openOnce(line);
  return line;
}

/**
 * The transport firmata-io 2.3.0 wants (`lib/firmata.js`: an emitter of `open`, `data`,
 * `close`, `error`, with `write(buf, cb)`), on a `SerialLine`, so the bridge's board link
 * goes through the same line, binding and dead-line policy as every other driver. It
 * starts opening at once, as serialport's `autoOpen` does: a failed open is an `error`
 * event, a lost line a `close` event carrying why (docs/protocols/firmata.md §4).
 */
export class SerialFirmataTransport extends EventEmitter implements FirmataTransport {
  #line: SerialLine | undefined;
  #closed = false;

  /** `open` makes the line; its rejection is emitted as `error` unchanged. */
  constructor(open: () => Promise<SerialLine>) {
    super();
    open().then(
      (line) => {
        if (this.#closed) return void line.stop();
        this.#line = line;
        line.on('data', (bytes) => this.emit('data', bytes));
        line.on('close', (error) => {
          this.#line = undefined;
          this.emit('close', error ?? null);
        });
        this.emit('open');
      },
      (error: Error) => this.#closed || this.emit('error', error),
    );
  }

  get isOpen(): boolean {
    return this.#line?.isOpen ?? false;
  }

  write(data: Buffer, callback?: (error?: Error | null) => void): boolean {
    const line = this.#line;
    // Without a callback a failure is an `error` event, unless the transport is closed or
    // lost by then: its `close` event already says so, and a write cut short by our own
    // `close()` is no error.
    const failed = (error: Error): void => {
      if (callback) callback(error);
      else if (this.#line && !this.#closed) this.emit('error', error);
    };
    if (!line) {
      const error = new SerialLineError('not_open', this.#closed ? 'the Firmata transport is closed' : 'the Firmata transport is not open yet');
      process.nextTick(() => (callback ? callback(error) : this.emit('error', error)));
      return false;
    }
    line.write(Buffer.from(data)).then(() => callback?.(null), failed);
    return true;
  }

  close(callback?: (error?: Error | null) => void): void {
    this.#closed = true;
    const line = this.#line;
    void (line ? line.stop() : Promise.resolve()).then(() => callback?.(null));
  }
}

/** The host side of the link to a board at `path`, for firmata-io and johnny-five. */
export function openFirmataTransport(path: string, options: FirmataLineOptions = {}): FirmataTransport {
  return new SerialFirmataTransport(() => openFirmataLine(path, options));
}
