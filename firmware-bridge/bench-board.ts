import type { Logger } from 'pino';
import { FirmataBoardEmulator } from '../hardware/firmata/board-emulator.ts';
import type { OutputChange, SerialAttachment } from '../hardware/firmata/simulated-board.ts';
import { openPtyPair, type PtyPair } from '../hardware/serial/pty-pair.ts';
import type { Rating } from '../protocol/messages/press.ts';
import { systemClock } from '../runtime/clock.ts';
import type { BoardProfile } from './board-profile.ts';

/** The `serial` that asks for an emulated board instead of a real one (`--serial emulator`). */
export const EMULATOR_SERIAL = 'emulator';

/** Long enough for the default debounce (45 ms) to count it with room to spare. */
export const DEFAULT_HOLD_MS = 250;
/**
 * A person holds on until the LED answers: past `holdMs`, the button stays down until the
 * acknowledgment, at most this much longer (a busy host may take a while to answer).
 */
const HOLD_FOR_ACK_MS = 3000;

export interface BenchPressResult {
  deviceId: string;
  rating: Rating;
  pin: number;
  holdMs: number;
  /** The board lit this button's LED fully while it was held: the bridge acknowledged the vote. */
  acknowledged: boolean;
}

/**
 * One emulated EIFD for the bench or a training room (docs/provisioning.md, "A board
 * without hardware"): the behaving StandardFirmata emulator served on the device end of
 * a PTY pair (socat), so the bridge drives it through its production serial path. A
 * press holds the button for `holdMs` and on until the LED answers (as a citizen's thumb
 * would, up to 3 s more), then lets go; what the bridge lights and sounds is logged, so a
 * technician sees the acknowledgment.
 */
export class BenchBoard {
  readonly deviceId: string;
  readonly board: FirmataBoardEmulator;
  readonly #profile: BoardProfile;
  readonly #pair: PtyPair;
  readonly #attachment: SerialAttachment;
  readonly #log: Logger;
  readonly #lit = new Set<number>();

  private constructor(deviceId: string, profile: BoardProfile, board: FirmataBoardEmulator, pair: PtyPair, attachment: SerialAttachment, log: Logger) {
    this.deviceId = deviceId;
    this.#profile = profile;
    this.board = board;
    this.#pair = pair;
    this.#attachment = attachment;
    this.#log = log.child({ deviceId, emulated: true });
    board.on('output', (change) => this.#shown(change));
  }

  static async open(deviceId: string, profile: BoardProfile, log: Logger): Promise<BenchBoard> {
    // With the ATmega's pull-ups a released button reads whatever the firmware enabled;
    // with resistors on the board (`external`) a released button is simply driven high.
    const buttonPins = profile.pullups === 'internal' ? profile.buttons.map((b) => b.pin) : [];
    const board = new FirmataBoardEmulator({ firmataVersion: '2.5', buttonPins });
    const pair = await openPtyPair();
    try {
      const attachment = await board.attachSerial(pair.devicePath);
      return new BenchBoard(deviceId, profile, board, pair, attachment, log);
    } catch (error) {
      await pair.close();
      throw error;
    }
  }

  /** The host end of the PTY: the bridge opens this as the board's serial port. */
  get serialPath(): string {
    return this.#pair.hostPath;
  }

  get ratings(): Rating[] {
    return this.#profile.buttons.map((b) => b.rating);
  }

  /** Presses the button of `rating` for `holdMs`, then releases it; null if this board has no such button. */
  async press(rating: Rating, holdMs = DEFAULT_HOLD_MS): Promise<BenchPressResult | null> {
    const button = this.#profile.buttons.find((b) => b.rating === rating);
    if (!button) return null;
    let acknowledged = false;
    let onAck = () => {};
    const watch = (change: OutputChange) => {
      if (change.pin !== button.led || !fullOn(change)) return;
      acknowledged = true;
      onAck();
    };
    this.board.on('output', watch);
    this.#log.info({ rating, pin: button.pin, holdMs }, 'emulated button pressed');
    this.board.setInput(button.pin, false);
    await new Promise<void>((resolve) => systemClock.setTimer(resolve, holdMs));
    if (!acknowledged) {
      await new Promise<void>((resolve) => {
        const cancel = systemClock.setTimer(resolve, HOLD_FOR_ACK_MS);
        onAck = () => {
          cancel();
          resolve();
        };
      });
    }
    this.board.setInput(button.pin, true);
    this.board.off('output', watch);
    return { deviceId: this.deviceId, rating, pin: button.pin, holdMs, acknowledged };
  }

  /** LED levels by rating and the buzzer, as the bridge last set them. */
  state(): { deviceId: string; serial: string; leds: Record<string, number>; buzzer: boolean } {
    const leds: Record<string, number> = {};
    for (const b of this.#profile.buttons) leds[b.rating] = this.board.pwmValue(b.led) ?? (this.board.outputHigh(b.led) ? 255 : 0);
    return { deviceId: this.deviceId, serial: this.serialPath, leds, buzzer: this.#profile.buzzer !== null && this.board.outputHigh(this.#profile.buzzer) };
  }

  async close(): Promise<void> {
    await this.#attachment.close();
    await this.board.close();
    await this.#pair.close();
  }

  /** What a technician would see and hear on a real unit: full LEDs and the buzzer. */
  #shown(change: OutputChange): void {
    const button = this.#profile.buttons.find((b) => b.led === change.pin);
    if (button) {
      const on = fullOn(change);
      if (on === this.#lit.has(change.pin)) return;
      if (on) this.#lit.add(change.pin);
      else this.#lit.delete(change.pin);
      this.#log.info({ rating: button.rating, pin: change.pin }, on ? 'emulated LED lit' : 'emulated LED dark');
    } else if (change.pin === this.#profile.buzzer) {
      this.#log.debug({ on: change.high }, 'emulated buzzer');
    }
  }
}

/** Full brightness: the acknowledgment (the offline idle glow is a low PWM duty). */
function fullOn(change: OutputChange): boolean {
  return change.high && (change.pwm === undefined || change.pwm === 255);
}
