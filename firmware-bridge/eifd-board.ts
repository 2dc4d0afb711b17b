import { EventEmitter } from 'node:events';
import five from 'johnny-five';
import type { Logger } from 'pino';
import { openFirmataTransport } from '../hardware/firmata/firmata-transport.ts';
import type { FirmataTransport } from '../hardware/firmata/simulated-board.ts';
import type { Rating } from '../protocol/messages/press.ts';
import { ExponentialBackoff } from '../runtime/backoff.ts';
import { PWM_PINS, type BoardProfile } from './board-profile.ts';
import type { BridgeClock } from './clock.ts';
import { createFirmataHost, type FirmataIo } from './firmata-host.ts';
import { PortLevels } from './port-levels.ts';
import type { EifdOutputs } from './signaller.ts';

/** Opens the board's serial line; tests pass an emulator's in-process transport. */
export type OpenTransport = (path: string) => FirmataTransport;

/** The board's serial line through hardware/serial (57600 8N1, StandardFirmata's rate; docs/protocols/firmata.md §1). */
export const openSerialTransport: OpenTransport = (path) => openFirmataTransport(path);

export interface ArmedBoard {
  firmataVersion: string;
  firmware: string;
  /** Buttons that read pressed once the inputs settled (stuck, or held by someone). */
  downAtStart: number[];
}

/** From opening the port to armed: a Nano's bootloader takes ~2 s, the handshake less. */
const ARM_DEADLINE_MS = 15_000;

interface EifdBoardEvents {
  armed: [ArmedBoard];
  lost: [string];
  /** An attempt to open or start the board failed; another follows after a backoff. */
  unavailable: [string];
  /** A button level as the board reported it (in order, not yet debounced). */
  level: [pin: number, down: boolean];
}

interface Session {
  transport: FirmataTransport;
  io: FirmataIo;
  board: five.Board;
  leds: Map<Rating, five.Led>;
  buzzer: five.Pin | null;
  buttons: Map<number, boolean>;
  /** The buttons' levels from the port reports; null until armed. */
  levels: PortLevels | null;
  /** The arm deadline, then the liveness probe. */
  cancelTimer: (() => void) | null;
}

/**
 * One EIFD board over Firmata with johnny-five: arms the buttons (pins, pull-ups,
 * reporting), drives the LEDs and buzzer, and notices when the board goes away.
 * A PTY or a hung USB adapter may never report the loss, so the board is probed with
 * a PIN_STATE query; a missing answer counts as unplugged. A lost board is reopened
 * with backoff, as often as it takes (a citizen may kick the cable).
 */
export class EifdBoard extends EventEmitter<EifdBoardEvents> implements EifdOutputs {
  readonly ratings: readonly Rating[];
  readonly #profile: BoardProfile;
  readonly #serial: string;
  readonly #open: OpenTransport;
  readonly #clock: BridgeClock;
  readonly #log: Logger;
  readonly #probeIntervalMs: number;
  readonly #backoff = new ExponentialBackoff({ initialMs: 500, maxMs: 5000 });
  #session: Session | null = null;
  #armed = false;
  #stopped = true;
  #cancelRetry: (() => void) | null = null;
  #lastFailure: string | null = null;

  constructor(options: { profile: BoardProfile; serial: string; openTransport?: OpenTransport; clock: BridgeClock; log: Logger; probeIntervalMs: number }) {
    super();
    this.#profile = options.profile;
    this.ratings = options.profile.buttons.map((b) => b.rating);
    this.#serial = options.serial;
    this.#open = options.openTransport ?? openSerialTransport;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#probeIntervalMs = options.probeIntervalMs;
  }

  get armed(): boolean {
    return this.#armed;
  }

  start(): void {
    this.#stopped = false;
    this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelRetry?.();
    await this.#teardown();
  }

  /** Current level of every button, for the self-test. */
  buttonLevels(): { pin: number; rating: Rating; down: boolean | null }[] {
    return this.#profile.buttons.map((b) => ({ pin: b.pin, rating: b.rating, down: this.#session?.buttons.get(b.pin) ?? null }));
  }

  setLed(rating: Rating, level: number): void {
    const led = this.#session?.leds.get(rating);
    if (!led || !this.#armed) return;
    const button = this.#profile.buttons.find((b) => b.rating === rating)!;
    if (PWM_PINS.includes(button.led)) led.brightness(level);
    else if (level >= 128) led.on();
    else led.off();
  }

  setBuzzer(on: boolean): void {
    const buzzer = this.#session?.buzzer;
    if (!buzzer || !this.#armed) return;
    if (on) buzzer.high();
    else buzzer.low();
  }

  #connect(): void {
    let transport: FirmataTransport;
    try {
      transport = this.#open(this.#serial);
    } catch (error) {
      this.#failed(`cannot open ${this.#serial}: ${(error as Error).message}`);
      return;
    }
    const io = createFirmataHost(transport);
    // sigint/repl false: johnny-five would otherwise own the process (docs/protocols/firmata.md §6).
    const board = new five.Board({ io, repl: false, debug: false, sigint: false, timeout: 15_000 } as five.BoardOption);
    const session: Session = { transport, io, board, leds: new Map(), buzzer: null, buttons: new Map(), levels: null, cancelTimer: null };
    this.#session = session;
    const lost = (reason: string) => {
      if (this.#session === session) this.#failed(reason);
    };
    transport.on('error', (error: Error) => lost(`serial error on ${this.#serial}: ${error.message}`));
    // firmata-io re-emits transport errors on itself, and johnny-five listens only
    // after `ready`: without this an unplugged board's ENOENT would crash the process.
    io.on('error', (error: Error) => lost(`serial error on ${this.#serial}: ${error.message}`));
    transport.on('close', () => lost(`serial line ${this.#serial} closed`));
    (board as unknown as EventEmitter).on('error', (error: Error) => lost(`board did not start: ${error.message}`));
    board.on('ready', () => {
      if (this.#session !== session) return;
      this.#arm(session);
    });
    // johnny-five's own connect timeout ends at `ready`; arming (the barrier below) gets its own.
    session.cancelTimer = this.#clock.setTimer(() => lost(`board on ${this.#serial} did not finish starting`), ARM_DEADLINE_MS);
  }

  #arm(session: Session): void {
    const { board, io } = session;
    const pullups = this.#profile.pullups === 'internal';
    const pins = this.#profile.buttons.map((b) => b.pin);
    // Levels are read from the port reports ourselves, not through johnny-five's Button
    // (port-levels.ts: its filter can reorder two buttons' edges; issue 14).
    session.levels = new PortLevels(io, pins, (pin, down) => this.#level(session, pin, down));
    for (const wiring of this.#profile.buttons) {
      // INPUT plus a HIGH write: the legacy pull-up that works on Firmata 2.4 and 2.5
      // (docs/protocols/firmata.md §3). With external pull-ups, plain INPUT. Active low
      // either way.
      io.pinMode(wiring.pin, io.MODES.INPUT);
      if (pullups) io.digitalWrite(wiring.pin, 1);
      session.buttons.set(wiring.pin, false);
      session.leds.set(wiring.rating, new five.Led({ pin: wiring.led, board }));
    }
    for (const port of new Set(pins.map((pin) => pin >> 3))) io.reportDigitalPin(pins.find((pin) => pin >> 3 === port)!, 1);
    if (this.#profile.buzzer !== null) session.buzzer = new five.Pin({ pin: this.#profile.buzzer, type: 'digital', mode: 1, board } as five.PinOption);
    session.buzzer?.low();
    // Until the pull-ups are on, the inputs float and read pressed (a real 2.4 board
    // in avr8js showed D4/D5 "pressed" for ~90 ms). Firmata executes commands in
    // order, so a PIN_STATE reply means every pin mode, pull-up write and report
    // request before it has been applied and its port report sent (and parsed: the
    // reply comes after it on the line). Only then do votes count.
    const lastPin = pins[pins.length - 1]!;
    io.queryPinState(lastPin, () => {
      if (this.#session === session) this.#settled(session);
    });
  }

  #settled(session: Session): void {
    const { io } = session;
    session.cancelTimer?.();
    for (const wiring of this.#profile.buttons) session.buttons.set(wiring.pin, session.levels?.down(wiring.pin) ?? false);
    this.#armed = true;
    this.#backoff.reset();
    this.#lastFailure = null;
    const armed: ArmedBoard = {
      firmataVersion: `${io.version.major ?? '?'}.${io.version.minor ?? '?'}`,
      firmware: io.firmware.name ?? 'unknown',
      downAtStart: this.#profile.buttons.filter((b) => session.buttons.get(b.pin)).map((b) => b.pin),
    };
    this.#log.info({ serial: this.#serial, ...armed }, 'board armed');
    this.#scheduleProbe(session);
    this.emit('armed', armed);
  }

  #level(session: Session, pin: number, down: boolean): void {
    if (this.#session !== session) return;
    session.buttons.set(pin, down);
    if (this.#armed) this.emit('level', pin, down);
  }

  #scheduleProbe(session: Session): void {
    session.cancelTimer = this.#clock.setTimer(() => {
      if (this.#session !== session) return;
      let answered = false;
      session.io.queryPinState(this.#profile.buttons[0]!.pin, () => {
        answered = true;
      });
      session.cancelTimer = this.#clock.setTimer(() => {
        if (this.#session !== session) return;
        if (answered) this.#scheduleProbe(session);
        else this.#failed(`board on ${this.#serial} stopped answering`);
      }, Math.max(500, this.#probeIntervalMs / 2));
    }, this.#probeIntervalMs);
  }

  #failed(reason: string): void {
    const wasArmed = this.#armed;
    void this.#teardown();
    if (reason !== this.#lastFailure || wasArmed) this.#log.warn({ serial: this.#serial, reason }, wasArmed ? 'board lost' : 'board not available; retrying');
    this.#lastFailure = reason;
    if (wasArmed) this.emit('lost', reason);
    else this.emit('unavailable', reason);
    if (this.#stopped) return;
    this.#cancelRetry = this.#clock.setTimer(() => {
      this.#cancelRetry = null;
      if (!this.#stopped) this.#connect();
    }, this.#backoff.next());
  }

  async #teardown(): Promise<void> {
    const session = this.#session;
    this.#session = null;
    this.#armed = false;
    if (!session) return;
    session.cancelTimer?.();
    session.levels?.stop();
    session.io.removeAllListeners();
    // Keep a listener so a late transport error on the dead session cannot crash us.
    session.io.on('error', () => undefined);
    const j5 = session.board as unknown as { timer?: NodeJS.Timeout };
    if (j5.timer) clearTimeout(j5.timer);
    // johnny-five keeps every Board in a module-level list; a board replugged all day
    // would otherwise grow it by one per attempt.
    const cache = (five.Board as unknown as { cache: unknown[] }).cache;
    const index = cache.indexOf(session.board);
    if (index >= 0) cache.splice(index, 1);
    await new Promise<void>((resolve) => {
      const close = session.transport.close;
      if (!close) return resolve();
      try {
        close.call(session.transport, () => resolve());
      } catch {
        resolve();
      }
    });
  }
}
