import type { BridgeClock } from './clock.ts';

/** A button down this long is stuck (or jammed), not a hand on the panel. */
export const STUCK_AFTER_MS = 5000;

interface ButtonState {
  down: boolean;
  /** Uptime when it went down; for a button down at arming, the arming time. */
  downSince: number;
  /** Released long enough that the next press may count. */
  armed: boolean;
  cancelVote: (() => void) | null;
  cancelRearm: (() => void) | null;
}

/**
 * Turns raw button levels into votes. StandardFirmata sends every contact edge
 * (docs/protocols/firmata.md §4) and contact bounce lasts up to tens of milliseconds
 * (§7). So a vote needs the button held stable for `debounceMs` (40–50 ms; 30 minimum),
 * and the same button must be released stable for `debounceMs` before it can vote again.
 *
 * Two buttons at once are ambiguous (a palm on the panel is not a rating), judged with
 * the same tolerance as bounce (docs/protocols/firmata.md §7, "Two buttons"):
 * - two armed presses settling together cancel each other: neither counts;
 * - a press counts only if, when its `debounceMs` are up, no other button is held.
 * A button that has voted and is being let go may still bounce or be reported a few
 * milliseconds late; that is not a press, so the next citizen's press that begins inside
 * its release (or in the same millisecond, in either order) still counts (issue 14).
 * The vote fires while the button is still down so the acknowledgment is immediate.
 */
export class VoteDebouncer {
  readonly #clock: BridgeClock;
  readonly #onVote: (pin: number) => void;
  readonly #onRearmed: (pin: number) => void;
  readonly #buttons = new Map<number, ButtonState>();
  #debounceMs: number;

  constructor(clock: BridgeClock, options: { debounceMs: number; pins: readonly number[] }, onVote: (pin: number) => void, onRearmed: (pin: number) => void = () => {}) {
    this.#clock = clock;
    this.#onVote = onVote;
    this.#onRearmed = onRearmed;
    this.#debounceMs = options.debounceMs;
    for (const pin of options.pins) this.#buttons.set(pin, { down: false, downSince: 0, armed: true, cancelVote: null, cancelRearm: null });
  }

  set debounceMs(ms: number) {
    this.#debounceMs = ms;
  }

  /** Feeds one observed level; `down` = pressed (pin pulled to ground). */
  level(pin: number, down: boolean): void {
    const button = this.#buttons.get(pin);
    if (!button || button.down === down) return;
    button.down = down;
    if (down) button.downSince = this.#clock.uptimeMs();
    if (down) this.#pressed(pin, button);
    else this.#released(pin, button);
  }

  /**
   * Forgets every pending vote and starts from these levels, e.g. when a board is
   * (re)armed. A button already down must be released before it can vote: a stuck
   * button, or one held through a replug, is not a vote.
   */
  reset(downPins: readonly number[] = []): void {
    for (const [pin, button] of this.#buttons) {
      button.cancelVote?.();
      button.cancelRearm?.();
      const down = downPins.includes(pin);
      Object.assign(button, { down, downSince: this.#clock.uptimeMs(), armed: !down, cancelVote: null, cancelRearm: null });
    }
  }

  /** Buttons held down for longer than STUCK_AFTER_MS, for telemetry and the self-test. */
  stuckPins(): number[] {
    const now = this.#clock.uptimeMs();
    return [...this.#buttons].filter(([, b]) => b.down && now - b.downSince >= STUCK_AFTER_MS).map(([pin]) => pin);
  }

  #pressed(pin: number, button: ButtonState): void {
    button.cancelRearm?.();
    button.cancelRearm = null;
    // Only a press that could vote competes: a voted button bouncing on its way up is
    // not a second hand on the panel.
    if (!button.armed) return;
    const settling = [...this.#buttons].filter(([otherPin, other]) => otherPin !== pin && other.cancelVote !== null);
    if (settling.length > 0) {
      // Two presses settling at once: neither counts.
      for (const [, other] of settling) {
        other.cancelVote?.();
        other.cancelVote = null;
        other.armed = false;
      }
      button.armed = false;
      return;
    }
    button.cancelVote = this.#clock.setTimer(() => {
      button.cancelVote = null;
      button.armed = false;
      if (this.#othersHeld(pin)) return; // pressed beside a held button: ambiguous
      this.#onVote(pin);
    }, this.#debounceMs);
  }

  /** Another button is down now; a stuck one does not count (it must not silence the other three). */
  #othersHeld(pin: number): boolean {
    const now = this.#clock.uptimeMs();
    return [...this.#buttons].some(([otherPin, other]) => otherPin !== pin && other.down && now - other.downSince < STUCK_AFTER_MS);
  }

  #released(pin: number, button: ButtonState): void {
    button.cancelVote?.();
    button.cancelVote = null;
    button.cancelRearm?.();
    button.cancelRearm = this.#clock.setTimer(() => {
      button.cancelRearm = null;
      const wasArmed = button.armed;
      button.armed = true;
      if (!wasArmed) this.#onRearmed(pin);
    }, this.#debounceMs);
  }
}
