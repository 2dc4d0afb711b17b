import { EventEmitter, once } from 'node:events';
import { createRequire } from 'node:module';
import type { FirmataBoardEmulator } from '../../../hardware/firmata/board-emulator.ts';
import type { FirmataTransport, OutputChange } from '../../../hardware/firmata/simulated-board.ts';
import { within } from '../board-test-kit.ts';

export { within };

/** The parts of firmata-io 2.3.0's `Firmata` host these tests use (it ships no types). */
export interface FirmataIo extends EventEmitter {
  isReady: boolean;
  transport: FirmataTransport;
  MODES: { INPUT: number; OUTPUT: number; PWM: number; PULLUP: number };
  version: { major?: number; minor?: number };
  firmware: { name?: string };
  pins: { supportedModes: number[]; mode?: number; value?: number }[];
  pinMode(pin: number, mode: number): void;
  digitalWrite(pin: number, value: number): void;
  digitalRead(pin: number, callback: (value: number) => void): void;
}

interface FirmataConstructor {
  new (transport: FirmataTransport, options?: { reportVersionTimeout?: number }): FirmataIo;
}

// Both packages are CommonJS; createRequire sidesteps ESM interop differences, and the
// johnny-five types come from @types/johnny-five. Never `require('firmata')`: it loads
// serialport 8 (docs/protocols/firmata.md §6).
const require = createRequire(import.meta.url);
export const { Firmata } = require('firmata-io') as { Firmata: FirmataConstructor };
export const five = require('johnny-five') as typeof import('johnny-five');

/** johnny-five objects are EventEmitters at runtime; their types only declare `on`. */
export const asEmitter = (value: unknown): EventEmitter => value as EventEmitter;

/**
 * A johnny-five Board on `io`, resolved once ready. Always `repl/debug/sigint: false`
 * (docs/protocols/firmata.md §6: the REPL on a closed stdin calls `process.reallyExit()`).
 */
export async function readyBoard(io: FirmataIo): Promise<import('johnny-five').Board> {
  const options = { io, repl: false, debug: false, sigint: false } as import('johnny-five').BoardOption;
  const board = new five.Board(options);
  await within(once(asEmitter(board), 'ready'), 'johnny-five ready');
  return board;
}


/** The next `output` event of `board` matching `predicate`. */
export function nextOutput(board: FirmataBoardEmulator, predicate: (change: OutputChange) => boolean): Promise<OutputChange> {
  return within(
    new Promise<OutputChange>((resolve) => {
      const onOutput = (change: OutputChange): void => {
        if (!predicate(change)) return;
        board.off('output', onOutput);
        resolve(change);
      };
      board.on('output', onOutput);
    }),
    'an output change',
  );
}

/**
 * A bare host on the emulator's in-process transport, for golden-byte tests: collects
 * every byte the board sends and hands them out in exact-length slices.
 */
export class RawHost {
  readonly #transport: FirmataTransport;
  readonly #bytes: number[] = [];
  readonly #arrived = new EventEmitter();

  private constructor(transport: FirmataTransport) {
    this.#transport = transport;
    transport.on('data', (chunk: Buffer) => {
      this.#bytes.push(...chunk);
      this.#arrived.emit('data');
    });
  }

  /** Attaches to `board` and waits for the port to open (the boot report follows). */
  static async attach(board: FirmataBoardEmulator): Promise<RawHost> {
    const transport = board.attachTransport();
    const host = new RawHost(transport);
    await within(once(transport, 'open'), 'the port to open');
    return host;
  }

  send(...bytes: number[]): void {
    this.#transport.write(Buffer.from(bytes));
  }

  /** The next `count` bytes from the board, waiting for them to arrive. */
  async next(count: number): Promise<number[]> {
    await within(
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (this.#bytes.length < count) return;
          this.#arrived.off('data', check);
          resolve();
        };
        this.#arrived.on('data', check);
        check();
      }),
      `${count} bytes from the board (have ${this.#bytes.length})`,
    );
    return this.#bytes.splice(0, count);
  }

  /** Bytes received and not yet taken, after letting pending deliveries land. */
  async pending(): Promise<number[]> {
    // The emulator delivers on the next turn of the event loop; two turns cover it.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    return this.#bytes.splice(0);
  }

  close(): void {
    this.#transport.close?.();
  }
}

/** "53 00 74 00" → [0x53, 0x00, 0x74, 0x00]. */
export const hex = (text: string): number[] => text.trim().split(/\s+/).filter(Boolean).map((byte) => Number.parseInt(byte, 16));
