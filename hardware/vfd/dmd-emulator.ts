import { EventEmitter } from 'node:events';
import { openDeviceEnd, type DeviceEnd } from '../serial/device-end.ts';
import type { LoopbackDevice } from '../serial/loopback-binding.ts';
import type { SerialBinding, SerialSettings } from '../serial/serial-binding.ts';
import { DmdError } from './dmd-errors.ts';
import { DmdScreen, type DmdSettings } from './dmd-screen.ts';

/**
 * A behaving Epson DM-D 2×20 customer display (docs/protocols/dm-d.md §6): a `DmdScreen`
 * (grid, cursor, settings; see there for what it does where the documents are silent) served
 * in-process at a `LoopbackDevice` or on a serial device such as a PTY pair's
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
  #end: DeviceEnd | undefined;
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

  /** Serves the display at an in-process loopback port. */
  attachLoopback(device: LoopbackDevice): void {
    device.on('hostBytes', (bytes) => this.receive(bytes));
  }

  /**
   * Serves the display on a serial device (9600 8N1 unless given). Resolves once open;
   * `detached` when it closes or the host side vanishes. Not reopened: attach again.
   */
  async attachSerial(path: string, settings: Partial<Omit<SerialSettings, 'path'>> & { binding?: SerialBinding } = {}): Promise<{ close(): Promise<void> }> {
    await this.#end?.close();
    const line = { path, baudRate: settings.baudRate ?? 9600, dataBits: settings.dataBits ?? 8, parity: settings.parity ?? 'none', stopBits: settings.stopBits ?? 1 } as const;
    try {
      const end = await openDeviceEnd(line, { received: (bytes) => this.receive(bytes), ended: (error) => this.emit('detached', error) }, settings.binding ? { binding: settings.binding } : {});
      this.#end = end;
      return { close: () => end.close() };
    } catch (error) {
      throw new DmdError('serial_open_failed', `the emulated display cannot serve ${path}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Closes the serial device, if any. */
  async close(): Promise<void> {
    await this.#end?.close();
    this.#end = undefined;
  }
}
