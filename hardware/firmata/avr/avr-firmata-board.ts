import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { openDeviceEnd, type DeviceEnd } from '../../serial/device-end.ts';
import { LoopbackBinding } from '../../serial/loopback-binding.ts';
import type { SerialBinding } from '../../serial/serial-binding.ts';
import { FIRMATA_BAUD, openFirmataLine, SerialFirmataTransport } from '../firmata-transport.ts';
import type { FirmataTransport, OutputChange, SerialAttachment, SimulatedFirmataBoard } from '../simulated-board.ts';
import { AvrHarnessError } from './avr-errors.ts';
import { FLASH_BYTES, type InputLevel } from './atmega328p.ts';
import { parseIntelHex } from './intel-hex.ts';
import type { FromSimulator, SimulatorSetup, ToSimulator } from './simulator-messages.ts';
import { standardFirmataHex } from './standard-firmata-hex.ts';
import { PIN_COUNT, assertPin } from './uno-pins.ts';

export interface AvrFirmataBoardOptions {
  /** Intel HEX of the firmware; default StandardFirmata 2.4 (`standardFirmataHex()`, fetched once and cached). */
  hex?: string;
  /**
   * Pins wired as push buttons to ground (default D2–D5, the EIFD rating buttons,
   * docs/protocols/firmata.md §7). Released, such a pin is open and reads high only if the
   * firmware enabled its pull-up, as on the real board; `setInput(pin, true)` on any
   * other pin drives it high.
   */
  buttonPins?: readonly number[];
  /** Simulated seconds per wall second (default 1). Above ~2 the simulator just runs flat out. */
  speed?: number;
}

/** The path of the in-process port behind `attachTransport` (each has a binding of its own). */
const IN_PROCESS_PATH = 'avr-board';

/** The board's end of whatever is plugged into its serial port. */
interface Attachment {
  received(bytes: Uint8Array): void;
  lost(error: Error | null): void;
}

/**
 * The real StandardFirmata firmware on a simulated ATmega328P (avr8js), as a
 * `SimulatedFirmataBoard`: the conformance oracle for the pure-JS emulator
 * (docs/protocols/firmata.md §5). The CPU runs in a worker thread, paced to wall time; this
 * object stays on the caller's thread and mirrors the pins from the thread's reports.
 *
 * Like a Nano on USB, the board resets when a host opens its port, and its firmware
 * speaks ~1.9 s later (it blinks its version on D13 first): await firmata's `ready`.
 * Nothing runs before the first attach; from then on the simulator takes about half a
 * core (avr8js manages ~2x real time flat out) until `close()`.
 */
export class AvrFirmataBoard extends EventEmitter<{ output: [OutputChange] }> implements SimulatedFirmataBoard {
  readonly #hex: string | undefined;
  readonly #speed: number;
  readonly #buttonPins: ReadonlySet<number>;
  readonly #inputs: InputLevel[] = new Array<InputLevel>(PIN_COUNT).fill(null);
  readonly #high: boolean[] = new Array<boolean>(PIN_COUNT).fill(false);
  #worker: Worker | null = null;
  #starting: Promise<Worker> | null = null;
  #failure: Error | null = null;
  #attachment: Attachment | null = null;
  #closed = false;

  constructor(options: AvrFirmataBoardOptions = {}) {
    super();
    const speed = options.speed ?? 1;
    if (!(speed > 0 && Number.isFinite(speed))) throw new AvrHarnessError('option_invalid', `speed must be a positive number of simulated seconds per second, not ${speed}`);
    const buttonPins = options.buttonPins ?? [2, 3, 4, 5];
    buttonPins.forEach(assertPin);
    this.#hex = options.hex;
    this.#speed = speed;
    this.#buttonPins = new Set(buttonPins);
  }

  setInput(pin: number, high: boolean): void {
    assertPin(pin);
    const level: InputLevel = high ? (this.#buttonPins.has(pin) ? null : true) : false;
    this.#inputs[pin] = level;
    this.#post({ type: 'input', pin, level });
  }

  /** True while the firmware drives `pin` high (a PWM pin: while its duty is above 0). */
  outputHigh(pin: number): boolean {
    assertPin(pin);
    return this.#high[pin]!;
  }

  attachTransport(): FirmataTransport {
    this.#claimPort();
    const binding = new LoopbackBinding();
    const device = binding.createPort(IN_PROCESS_PATH);
    const attachment: Attachment = { received: (bytes) => device.toHost(bytes), lost: (error) => device.hangUp(error ?? undefined) };
    this.#attachment = attachment;
    // Opening the port resets the board, as DTR does on a Nano.
    device.on('hostOpen', () => this.#attachment === attachment && this.#post({ type: 'reset' }));
    device.on('hostBytes', (bytes) => this.#toBoard(bytes));
    device.on('hostClose', () => this.#release(attachment));
    return new SerialFirmataTransport(async () => {
      try {
        await this.#start();
      } catch (error) {
        this.#release(attachment);
        throw error; // firmata-io sees it as the transport's `error`
      }
      if (this.#attachment !== attachment) throw new AvrHarnessError('board_closed', 'the board was closed while starting');
      return openFirmataLine(IN_PROCESS_PATH, { binding });
    });
  }

  async attachSerial(path: string, options: { binding?: SerialBinding } = {}): Promise<SerialAttachment> {
    this.#claimPort();
    // Hold the port from now on, so a second attach during our awaits is refused.
    let end: DeviceEnd | null = null;
    const attachment: Attachment = { received: (bytes) => end?.transmit(bytes), lost: () => void end?.close() };
    this.#attachment = attachment;
    try {
      await this.#start();
      end = await openDeviceEnd(
        { path, baudRate: FIRMATA_BAUD, dataBits: 8, parity: 'none', stopBits: 1 },
        { received: (bytes) => this.#toBoard(bytes), ended: () => this.#release(attachment) },
        options.binding ? { binding: options.binding } : {},
      );
    } catch (error) {
      this.#release(attachment);
      throw error;
    }
    if (this.#attachment !== attachment) {
      await end.close();
      throw new AvrHarnessError('board_closed', 'the board was closed while its serial port was opening');
    }
    // A PTY carries no DTR, so the "USB plug-in" reset happens when the device end opens.
    this.#post({ type: 'reset' });
    const opened = end;
    return { close: () => opened.close() };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const attachment = this.#attachment;
    this.#attachment = null;
    attachment?.lost(null);
    const worker = this.#worker ?? (await this.#starting?.catch(() => null)) ?? null;
    this.#worker = null;
    if (!worker) return;
    worker.postMessage({ type: 'stop' } satisfies ToSimulator);
    await worker.terminate();
  }

  #claimPort(): void {
    if (this.#closed) throw new AvrHarnessError('board_closed', 'the board is closed');
    if (this.#attachment) throw new AvrHarnessError('board_attached', 'something is already attached to the board’s serial port; close it first');
  }

  #release(attachment: Attachment, error: Error | null = null): void {
    if (this.#attachment !== attachment) return;
    this.#attachment = null;
    if (error) attachment.lost(error);
  }

  /** Host bytes to the board's RX, in a buffer of their own: it is transferred to the simulator thread. */
  #toBoard(bytes: Uint8Array): void {
    const own = Uint8Array.from(bytes); // never a view of Buffer's shared pool
    this.#post({ type: 'rx', bytes: own }, [own.buffer as ArrayBuffer]);
  }

  #post(message: ToSimulator, transfer: ArrayBuffer[] = []): void {
    // Before the thread exists its setup carries the inputs, and there is no host yet.
    this.#worker?.postMessage(message, transfer);
  }

  #start(): Promise<Worker> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (!this.#starting) {
      const starting = this.#spawn();
      this.#starting = starting;
      // A failed download may work next time (the registry is back); a crash is final (#failure).
      starting.catch(() => {
        if (this.#starting === starting) this.#starting = null;
      });
    }
    return this.#starting;
  }

  async #spawn(): Promise<Worker> {
    const flash = parseIntelHex(this.#hex ?? (await standardFirmataHex()), FLASH_BYTES);
    if (this.#closed) throw new AvrHarnessError('board_closed', 'the board was closed while starting');
    const setup: SimulatorSetup = { flash, inputs: this.#inputs.slice(), speed: this.#speed };
    const worker = new Worker(new URL('./simulator-thread-entry.mjs', import.meta.url), { workerData: setup, transferList: [flash.buffer as ArrayBuffer] });
    // Set now, not when ready: setInput() from here on must reach the thread's queue.
    this.#worker = worker;
    return new Promise<Worker>((resolve, reject) => {
      worker.on('message', (message: FromSimulator) => {
        if (message.type === 'ready') resolve(worker);
        else this.#onMessage(message);
      });
      const fail = (error: Error) => {
        const failure = new AvrHarnessError('simulator_failed', `the AVR simulator thread failed: ${error.message}`, { cause: error });
        reject(failure);
        // After close() the thread is terminated on purpose; after a crash (a thrown
        // error, then `exit`) only the first report counts.
        if (this.#closed || this.#failure) return;
        this.#failure = failure;
        this.#worker = null;
        const attachment = this.#attachment;
        if (attachment) this.#release(attachment, failure);
      };
      worker.once('error', fail);
      worker.once('exit', (code) => fail(new Error(`exited with code ${code}`)));
    });
  }

  #onMessage(message: Exclude<FromSimulator, { type: 'ready' }>): void {
    if (message.type === 'tx') {
      this.#attachment?.received(message.bytes);
      return;
    }
    for (const change of message.changes) {
      this.#high[change.pin] = change.high;
      this.emit('output', change);
    }
  }
}
