import { EventEmitter } from 'node:events';
import { AlphaError } from './alpha-errors.ts';
import type { LoopbackCable } from '../serial/loopback-cable.ts';
import { SerialLine, type SerialSettings } from '../serial/serial-line.ts';

/**
 * A simulated RS-485 multi-drop bus (hardware-protocols.md §2: "Several instances on one
 * simulated bus test multi-drop"): every byte the host sends reaches every sign on it,
 * and what any sign transmits (ACK/NAK) reaches the host. The host end is a serial device
 * (e.g. the device side of a PTY pair) or an in-process `LoopbackCable`.
 */

/** A device on the bus: it hears the host's bytes. */
export interface AlphaBusDrop {
  receive(bytes: Buffer): void;
}

export interface AlphaBusEvents {
  /** The host end (serial device or cable) connected / went away. */
  attached: [];
  detached: [Error | undefined];
}

export type AlphaBusSerialOptions = Partial<Omit<SerialSettings, 'path'>>;

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

  /** Serves the bus to a host through `cable` (in-process, for injected-clock tests). */
  attachCable(cable: LoopbackCable): void {
    cable.onHostBytes((bytes) => this.fromHost(bytes));
    this.#toHost = (bytes) => cable.toHost(bytes);
    this.emit('attached');
  }

  /**
   * Serves the bus on a serial device: the device end of a PTY pair, or an RS-485 adapter
   * wired to a real host. Resolves once it is open; `detached` when it closes. Not
   * reopened: a PTY's device end may not notice its pair went away (a sign never writes
   * unasked, and only writes fail on a dead PTY), so whoever replugs attaches again.
   */
  async attachSerial(path: string, options: AlphaBusSerialOptions = {}): Promise<{ close(): Promise<void> }> {
    const line = new SerialLine({
      path,
      baudRate: options.baudRate ?? 9600,
      dataBits: options.dataBits ?? 7,
      parity: options.parity ?? 'even',
      stopBits: options.stopBits ?? 1,
      reconnect: false,
      probeIntervalMs: 0, // a sign never speaks unasked
    });
    line.on('data', (bytes) => this.fromHost(bytes));
    line.on('open', () => this.emit('attached'));
    line.on('close', (error) => this.emit('detached', error));
    this.#toHost = (bytes) => void line.write(bytes).catch(() => undefined); // no host listening: lost, as on a wire
    await new Promise<void>((resolve, reject) => {
      const opened = (): void => {
        line.off('openFailed', failed);
        resolve();
      };
      const failed = (error: Error): void => {
        line.off('open', opened);
        void line.stop();
        reject(new AlphaError('serial_open_failed', `cannot open ${path} for the emulated bus: ${error.message}`, { cause: error }));
      };
      line.once('open', opened);
      line.once('openFailed', failed);
      line.start();
    });
    return { close: () => line.stop() };
  }
}
