import type { Rating } from '../protocol/messages/press.ts';
import type { BridgeClock } from './clock.ts';
import { OFFLINE_GLOW, type SignalPattern } from './signal-patterns.ts';

/** The EIFD's outputs, as the board driver exposes them. */
export interface EifdOutputs {
  readonly ratings: readonly Rating[];
  setLed(rating: Rating, level: number): void;
  setBuzzer(on: boolean): void;
}

/**
 * Plays signal patterns on the EIFD. One pattern at a time: a new one cuts the
 * current one short (a citizen's vote must never wait behind an identify blink).
 * Between patterns the outputs rest in the idle state: dark, or a faint glow while
 * the hub is unreachable.
 */
export class Signaller {
  readonly #clock: BridgeClock;
  #outputs: EifdOutputs | null = null;
  #cancels: (() => void)[] = [];
  #offline = false;
  #playing: string | null = null;
  /** Last written values: only changes go over the serial line (3 bytes ≈ 0.5 ms at 57600 baud). */
  readonly #ledLevels = new Map<Rating, number>();
  #buzzerOn: boolean | null = null;

  constructor(clock: BridgeClock) {
    this.#clock = clock;
  }

  /** Attaches a (re)connected board; null when it is lost. */
  attach(outputs: EifdOutputs | null): void {
    this.#stop();
    this.#outputs = outputs;
    this.#ledLevels.clear();
    this.#buzzerOn = null;
    this.#idle();
  }

  setOffline(offline: boolean): void {
    if (this.#offline === offline) return;
    this.#offline = offline;
    if (!this.#playing) this.#idle();
  }

  play(pattern: SignalPattern): void {
    const outputs = this.#outputs;
    if (!outputs) return;
    this.#stop();
    this.#playing = pattern.name;
    for (const step of pattern.steps) {
      const apply = () => {
        if (step.led !== undefined && step.level !== undefined) {
          const level = step.level === 0 ? this.#idleLevel() : step.level;
          for (const rating of step.led === 'all' ? outputs.ratings : [step.led]) this.#setLed(rating, level);
        }
        if (step.buzzer !== undefined) this.#setBuzzer(step.buzzer);
      };
      // Step 0 is applied synchronously and first: the acknowledgment must not wait a
      // timer tick, nor queue behind resetting what the previous pattern left on.
      if (step.atMs === 0) apply();
      else this.#cancels.push(this.#clock.setTimer(apply, step.atMs));
    }
    const first = pattern.steps.filter((step) => step.atMs === 0);
    const litFirst = new Set(first.flatMap((step) => (step.led === 'all' ? outputs.ratings : step.led !== undefined ? [step.led] : [])));
    for (const rating of outputs.ratings) if (!litFirst.has(rating)) this.#setLed(rating, this.#idleLevel());
    if (!first.some((step) => step.buzzer !== undefined)) this.#setBuzzer(false);
    this.#cancels.push(
      this.#clock.setTimer(() => {
        this.#playing = null;
        this.#cancels = [];
        this.#idle();
      }, pattern.durationMs),
    );
  }

  #stop(): void {
    for (const cancel of this.#cancels) cancel();
    this.#cancels = [];
    this.#playing = null;
  }

  #idleLevel(): number {
    return this.#offline ? OFFLINE_GLOW : 0;
  }

  #idle(): void {
    const outputs = this.#outputs;
    if (!outputs) return;
    for (const rating of outputs.ratings) this.#setLed(rating, this.#idleLevel());
    this.#setBuzzer(false);
  }

  #setLed(rating: Rating, level: number): void {
    if (this.#ledLevels.get(rating) === level) return;
    this.#ledLevels.set(rating, level);
    this.#outputs?.setLed(rating, level);
  }

  #setBuzzer(on: boolean): void {
    if (this.#buzzerOn === on) return;
    this.#buzzerOn = on;
    this.#outputs?.setBuzzer(on);
  }
}
