import { EventEmitter } from 'node:events';
import { AlphaError } from './alpha-errors.ts';
import { openDeviceEnd } from '../serial/device-end.ts';
import type { LoopbackDevice } from '../serial/loopback-binding.ts';
import type { SerialBinding, SerialSettings } from '../serial/serial-binding.ts';

/**
 * A simulated RS-485 multi-drop bus (docs/protocols/alpha-sign.md §"Multi-drop"): every
 * byte the host sends reaches every sign on it, and what any sign transmits (ACK/NAK)
 * reaches the host. The host end is a serial device (e.g. the device side of a PTY pair)
 * or an in-process `LoopbackDevice`.
 */

/** A device on the bus: it hears the host's bytes. */
export interface AlphaBusDrop {
  receive(bytes: Buffer): void;
}

export interface AlphaBusEvents {
  /** The host end (serial device or loopback port) connected / went away. */
  attached: [];
  detached: [Error | undefined];
}

export type AlphaBusSerialOptions = Partial<Omit<SerialSettings, 'path'>> & { binding?: SerialBinding };

export class AlphaBus extends EventEmitter<AlphaBusEvents> {
  readonly #drops = new Set<AlphaBusDrop>();
  #toHost: ((bytes: Buffer) => void) | undefined;

  /** Puts `drop` on the bus; returns how it transmits and how it leaves. */
  connect(drop: AlphaBusDrop): { transmit(bytes: Buffer): void; disconnect(): void } {
    this.#drops.add(drop);
    return {
      transmit: (bytes) => this.#toHost?.(bytes),
      disconnect: () => this.#drops.delete(drop),
    };
  }

  /** Bytes from the host, fanned out to every drop on the next turn (as the wire would). */
  fromHost(bytes: Buffer): void {
    const copy = Buffer.from(bytes);
    setImmediate(() => {
      for (const drop of this.#drops) drop.receive(copy);
    });
  }

  /** Serves the bus at an in-process loopback port (for injected-clock tests). */
  attachLoopback(device: LoopbackDevice): void {
    device.on('hostBytes', (bytes) => this.fromHost(bytes));
    this.#toHost = (bytes) => device.toHost(bytes);
    this.emit('attached');
  }

  /**
   * Serves the bus on a serial device: the device end of a PTY pair, or an RS-485 adapter
   * wired to a real host. Resolves once it is open; `detached` when it closes or the host
   * side vanishes. Not reopened: whoever replugs attaches again.
   */
  async attachSerial(path: string, options: AlphaBusSerialOptions = {}): Promise<{ close(): Promise<void> }> {
    const settings = { path, baudRate: options.baudRate ?? 9600, dataBits: options.dataBits ?? 7, parity: options.parity ?? 'even', stopBits: options.stopBits ?? 1 } as const;
    try {
      const end = await openDeviceEnd(settings, { received: (bytes) => this.fromHost(bytes), ended: (error) => this.emit('detached', error) }, options.binding ? { binding: options.binding } : {});
      this.#toHost = (bytes) => end.transmit(bytes); // no host listening: lost, as on a wire
      this.emit('attached');
      return { close: () => end.close() };
    } catch (error) {
      throw new AlphaError('serial_open_failed', `the emulated bus cannot serve ${path}: ${(error as Error).message}`, { cause: error });
    }
  }
}
