import { EventEmitter } from 'node:events';
import type { LoopbackCable } from '../serial/loopback-cable.ts';
import { SerialLine, type SerialSettings } from '../serial/serial-line.ts';
import { DmdError } from './dmd-errors.ts';
import { DmdScreen, type DmdSettings } from './dmd-screen.ts';

/**
 * A behaving Epson DM-D 2×20 customer display (hardware-protocols.md §3): a `DmdScreen`
 * (grid, cursor, settings; see there for what it does where §3 is silent) served
 * in-process through a `LoopbackCable` or on a serial device such as a PTY pair's
 * device end. It never transmits: the protocol has no replies.
 */

export interface DmdDisplayEmulatorOptions {
  /** Device number for `US ( A` addressing (DM-D110 memory switch 15); unset = not addressable. */
  deviceNumber?: number;
}

export interface DmdDisplayEmulatorEvents {
  /** What the display shows changed (after a chunk of bytes). */
  changed: [[string, string]];
  /** The serial device closed (error: why, if it failed). */
  detached: [Error | undefined];
}

export class DmdDisplayEmulator extends EventEmitter<DmdDisplayEmulatorEvents> {
  readonly #screen: DmdScreen;
  #shown: [string, string];
  #line: SerialLine | undefined;
  /** Bytes received so far. */
  bytesReceived = 0;

  constructor(options: DmdDisplayEmulatorOptions = {}) {
    super();
    this.#screen = new DmdScreen(options.deviceNumber === undefined ? {} : { deviceNumber: options.deviceNumber });
    this.#shown = this.#screen.lines();
  }

  /** The two lines as shown, 20 characters each (spaces included). */
  lines(): [string, string] {
    return this.#screen.lines();
  }

  /** `lines()` with trailing spaces dropped, for assertions. */
  text(): [string, string] {
    const [first, second] = this.#screen.lines();
    return [first.trimEnd(), second.trimEnd()];
  }

  get cursor(): { column: number; row: number } {
    return this.#screen.cursor;
  }

  get settings(): Readonly<DmdSettings> {
    return this.#screen.settings;
  }

  /** Bytes from the host, as the display's UART hears them. */
  receive(bytes: Buffer): void {
    this.bytesReceived += bytes.length;
    this.#screen.feed(bytes);
    const now = this.#screen.lines();
    if (now[0] === this.#shown[0] && now[1] === this.#shown[1]) return;
    this.#shown = now;
    this.emit('changed', now);
  }

  /** Serves the display to a host through an in-process cable. */
  attachCable(cable: LoopbackCable): void {
    cable.onHostBytes((bytes) => this.receive(bytes));
  }

  /**
   * Serves the display on a serial device (9600 8N1 unless given). Resolves once open;
   * `detached` when it closes. Not reopened (see `AlphaBus.attachSerial`): attach again.
   */
  async attachSerial(path: string, settings: Partial<Omit<SerialSettings, 'path'>> = {}): Promise<{ close(): Promise<void> }> {
    if (this.#line) await this.#line.stop();
    const line = new SerialLine({
      path,
      baudRate: settings.baudRate ?? 9600,
      dataBits: settings.dataBits ?? 8,
      parity: settings.parity ?? 'none',
      stopBits: settings.stopBits ?? 1,
      reconnect: false,
      probeIntervalMs: 0, // a display never transmits
    });
    this.#line = line;
    line.on('data', (bytes) => this.receive(bytes));
    line.on('close', (error) => this.emit('detached', error));
    await new Promise<void>((resolve, reject) => {
      line.once('open', () => resolve());
      line.once('openFailed', (error) => reject(new DmdError('serial_open_failed', `cannot open ${path} for the emulated display: ${error.message}`, { cause: error })));
      line.start();
    });
    return { close: () => line.stop() };
  }

  /** Closes the serial device, if any. */
  async close(): Promise<void> {
    await this.#line?.stop();
    this.#line = undefined;
  }
}
