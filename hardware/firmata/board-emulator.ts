import { EventEmitter } from 'node:events';
import { systemClock } from '../../runtime/clock.ts';
import { UNO_ANALOG_CHANNELS, UNO_TOTAL_PINS, type FirmataVersion } from './constants.ts';
import { FirmataEmulatorError } from './emulator-errors.ts';
import { HostMessageParser } from './host-message-parser.ts';
import type { HostMessage } from './host-messages.ts';
import { openDeviceEnd, type DeviceEnd } from '../serial/device-end.ts';
import { LoopbackBinding } from '../serial/loopback-binding.ts';
import type { SerialBinding } from '../serial/serial-binding.ts';
import { FIRMATA_BAUD, openFirmataTransport } from './firmata-transport.ts';
import type { FirmataTransport, OutputChange, SerialAttachment, SimulatedFirmataBoard } from './simulated-board.ts';
import { StandardFirmata } from './standard-firmata.ts';

export interface FirmataBoardEmulatorOptions {
  /** Protocol the firmware speaks: '2.5' (default, a 2.5.x build) or '2.4' (the avrgirl hex). */
  firmataVersion?: FirmataVersion;
  /** Name in the firmware report; default 'StandardFirmata.ino' (the sketch's `__FILE__`). */
  firmwareName?: string;
  /**
   * Pins wired as push buttons to ground (default D2–D5, the EIFD rating buttons,
   * docs/protocols/firmata.md §7): `setInput(pin, true)` releases such a pin, which then
   * reads high only if the firmware enabled its pull-up — as on the real board and the
   * avr8js oracle. `setInput(pin, true)` on any other pin drives it high.
   */
  buttonPins?: readonly number[];
}

export interface FirmataBoardEmulatorEvents {
  output: [OutputChange];
  /** Every message decoded from the host, in order. */
  message: [HostMessage];
  /** The attached transport or serial device went away (error: why, if it failed). */
  detach: [Error | undefined];
}

/** Messages kept in `received`; older ones are dropped so a long demo run stays bounded. */
const HISTORY_LIMIT = 10_000;
/** Re-announce period on a serial device until the host speaks (see `attachSerial`). */
const SERIAL_ANNOUNCE_MS = 100;
/** The path of the in-process port behind `attachTransport` (each has a binding of its own). */
const IN_PROCESS_PATH = 'firmata-board';

interface Link {
  deliver(bytes: Buffer): void;
  close(): Promise<void>;
}

/**
 * A wire-level StandardFirmata board (ATmega328P Uno/Nano, 20 pins): layered framing
 * (`HostMessageParser`) → codec (`board-messages.ts`) → device (`StandardFirmata`), served
 * in-process to firmata-io or on a serial device. It implements `SimulatedFirmataBoard`,
 * so the suite that runs against it also runs against the real firmware in avr8js.
 */
export class FirmataBoardEmulator extends EventEmitter<FirmataBoardEmulatorEvents> implements SimulatedFirmataBoard {
  readonly firmataVersion: FirmataVersion;
  readonly firmwareName: string;
  readonly #buttonPins: ReadonlySet<number>;
  readonly #firmware: StandardFirmata;
  readonly #parser = new HostMessageParser();
  readonly #history: HostMessage[] = [];
  #outbox: Buffer[] = [];
  #flushing: NodeJS.Immediate | undefined;
  #link: Link | undefined;
  #closed = false;

  constructor(options: FirmataBoardEmulatorOptions = {}) {
    super();
    this.firmataVersion = options.firmataVersion ?? '2.5';
    this.firmwareName = options.firmwareName ?? 'StandardFirmata.ino';
    this.#buttonPins = new Set(options.buttonPins ?? [2, 3, 4, 5]);
    this.#firmware = new StandardFirmata(this.firmataVersion, this.firmwareName, {
      transmit: (bytes) => this.#transmit(bytes),
      outputChanged: (pin, high, pwm) => this.emit('output', pwm === undefined ? { pin, high } : { pin, high, pwm }),
    });
    // Powered (by USB) but nobody listening yet: the boot report goes nowhere.
    this.#firmware.boot();
  }

  /**
   * The wiring drives `pin`: `false` pulls it to ground (a button pressed); `true`
   * releases a button pin (it then reads its pull-up) or drives any other pin high.
   * Every resulting edge on a reported port goes to the host at once, undebounced.
   */
  setInput(pin: number, high: boolean): void {
    assertPin(pin);
    this.#firmware.setInput(pin, high ? (this.#buttonPins.has(pin) ? undefined : true) : false);
  }

  /**
   * Several `setInput`s at the same instant (e.g. one button let go as the next is
   * pressed): the firmware samples them in one `loop()` pass, so changes within one
   * port reach the host as a single port report, as on the real board.
   */
  setInputs(levels: readonly (readonly [pin: number, high: boolean])[]): void {
    for (const [pin] of levels) assertPin(pin);
    this.#firmware.setInputs(levels.map(([pin, high]) => [pin, high ? (this.#buttonPins.has(pin) ? undefined : true) : false] as const));
  }

  /** Disconnects whatever drives `pin`: it floats, reading its pull-up (or 0). */
  releaseInput(pin: number): void {
    assertPin(pin);
    this.#firmware.setInput(pin, undefined);
  }

  /** A 10-bit reading (0–1023) on analog channel A`channel`; reported if the host asked. */
  setAnalogInput(channel: number, value: number): void {
    if (!Number.isInteger(channel) || channel < 0 || channel >= UNO_ANALOG_CHANNELS) {
      throw new FirmataEmulatorError('pin_invalid', `analog channel ${channel} is not one of A0–A5 (0–5)`);
    }
    this.#firmware.setAnalogInput(channel, value);
  }

  outputHigh(pin: number): boolean {
    assertPin(pin);
    return this.#firmware.pins.outputHigh(pin);
  }

  /** The Firmata mode the host last set on `pin` (`PinMode`). */
  pinMode(pin: number): number {
    assertPin(pin);
    return this.#firmware.pins.mode(pin)!;
  }

  /** What a PIN_STATE_QUERY would report as the state of `pin`. */
  pinState(pin: number): number {
    assertPin(pin);
    return this.#firmware.pins.state(pin)!;
  }

  pullupEnabled(pin: number): boolean {
    assertPin(pin);
    return this.#firmware.pins.pullupEnabled(pin);
  }

  /** PWM duty 0–255 while `pin` is in PWM mode, else `undefined`. */
  pwmValue(pin: number): number | undefined {
    assertPin(pin);
    return this.#firmware.pins.pwmValue(pin);
  }

  get samplingInterval(): number {
    return this.#firmware.samplingInterval;
  }

  /** Host messages decoded so far, oldest first (at most the last 10,000). */
  get received(): readonly HostMessage[] {
    return [...this.#history];
  }

  /** Whether a transport or serial device is attached now. */
  get attached(): boolean {
    return this.#link !== undefined;
  }

  /**
   * Plugs an in-process host in. Opening the port resets the board (a Nano's DTR
   * auto-reset), so the version and firmware reports follow `open` unasked.
   */
  attachTransport(): FirmataTransport {
    this.#claimPort();
    const binding = new LoopbackBinding();
    const device = binding.createPort(IN_PROCESS_PATH);
    const link: Link = { deliver: (bytes) => device.toHost(bytes), close: async () => device.hangUp() };
    this.#link = link;
    device.on('hostOpen', () => this.#link === link && this.#boot());
    device.on('hostBytes', (bytes) => this.#link === link && this.#fromHost(bytes));
    device.on('hostClose', () => this.#detach(link, undefined));
    return openFirmataTransport(IN_PROCESS_PATH, { binding });
  }

  /**
   * Serves the board on a serial device, e.g. the device end of a PTY pair. A PTY has no
   * DTR line, so the board cannot see the host open its end, and bytes written before
   * that are discarded (serialport flushes input on open). A real Nano boots when the
   * host opens the port; to match, the board re-boots and re-announces every 100 ms until
   * the host's first byte (docs/protocols/firmata.md §4: ready in ~130 ms instead of
   * firmata-io's 5 s `reportVersionTimeout`).
   */
  async attachSerial(path: string, options: { binding?: SerialBinding } = {}): Promise<SerialAttachment> {
    this.#claimPort();
    const pending: Link = { deliver: () => undefined, close: async () => undefined };
    this.#link = pending; // hold the port while opening
    let cancelAnnouncer: (() => void) | undefined;
    let end: DeviceEnd;
    let link: Link | undefined;
    try {
      end = await openDeviceEnd(
        { path, baudRate: FIRMATA_BAUD, dataBits: 8, parity: 'none', stopBits: 1 },
        {
          received: (bytes) => {
            cancelAnnouncer?.();
            if (link && this.#link === link) this.#fromHost(bytes);
          },
          ended: (error) => {
            cancelAnnouncer?.();
            if (link) this.#detach(link, error);
          },
        },
        options.binding ? { binding: options.binding } : {},
      );
    } catch (error) {
      if (this.#link === pending) this.#link = undefined;
      throw new FirmataEmulatorError('serial_open_failed', `the emulated board cannot serve ${path}: ${(error as Error).message}`, { cause: error });
    }
    const serial: Link = { deliver: (bytes) => end.transmit(bytes), close: () => end.close() };
    if (this.#link !== pending) {
      await serial.close();
      throw new FirmataEmulatorError('board_closed', 'the board was closed while its serial port was opening');
    }
    link = serial;
    this.#link = serial;
    this.#boot();
    // Skipped while earlier bytes are stuck: with nobody on the far end the PTY fills
    // up, and queueing more would grow memory for as long as the host stays away.
    cancelAnnouncer = systemClock.setRepeating(() => end.backlogged || this.#boot(), SERIAL_ANNOUNCE_MS);
    return { close: () => serial.close() };
  }

  /** Unplugs whatever is attached and stops the board; attaching afterwards fails. */
  async close(): Promise<void> {
    this.#closed = true;
    const link = this.#link;
    this.#link = undefined;
    this.#outbox = [];
    await link?.close();
  }

  #claimPort(): void {
    if (this.#closed) throw new FirmataEmulatorError('board_closed', 'the board is closed');
    if (this.#link) throw new FirmataEmulatorError('board_attached', 'something is already attached to the board’s serial port; close it first');
  }

  #boot(): void {
    this.#parser.reset();
    this.#firmware.boot();
  }

  #fromHost(bytes: Buffer): void {
    const messages = this.#parser.feed(bytes);
    for (const message of messages) {
      this.#history.push(message);
      if (this.#history.length > HISTORY_LIMIT) this.#history.shift();
      this.emit('message', message);
    }
    if (messages.length > 0) this.#firmware.receive(messages);
  }

  /** Queues bytes for the host; delivered together on the next turn, never synchronously. */
  #transmit(bytes: Buffer): void {
    if (!this.#link) return; // nothing plugged in: the UART talks to nobody
    this.#outbox.push(bytes);
    this.#flushing ??= setImmediate(() => {
      this.#flushing = undefined;
      const out = Buffer.concat(this.#outbox);
      this.#outbox = [];
      if (out.length > 0) this.#link?.deliver(out);
    });
  }

  #detach(link: Link, error: Error | undefined): void {
    if (this.#link !== link) return;
    this.#link = undefined;
    this.#outbox = [];
    this.emit('detach', error);
  }
}

function assertPin(pin: number): void {
  if (!Number.isInteger(pin) || pin < 0 || pin >= UNO_TOTAL_PINS) {
    throw new FirmataEmulatorError('pin_invalid', `pin ${pin} is not an Uno/Nano pin (0–13 digital, 14–19 = A0–A5)`);
  }
}
