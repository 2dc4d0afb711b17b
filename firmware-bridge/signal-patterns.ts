import type { Rating } from '../protocol/messages/press.ts';

/** One change of the EIFD's outputs, `atMs` after the pattern starts. */
export interface SignalStep {
  atMs: number;
  /** Which button LED(s): a rating, or every LED. */
  led?: Rating | 'all';
  /** LED brightness 0–255 (PWM pins; 255 is a plain HIGH). */
  level?: number;
  buzzer?: boolean;
}

export interface SignalPattern {
  name: string;
  steps: readonly SignalStep[];
  /** When the pattern is over and the idle state returns. */
  durationMs: number;
}

/** LED brightness of the idle "saved locally, hub unreachable" glow: visible, not alarming. */
export const OFFLINE_GLOW = 24;

/**
 * Accepted vote while the hub is reachable: the pressed button's LED on ~1 s and a
 * ~150 ms beep (docs/protocols/firmata.md §7). Played the moment the vote is accepted,
 * never after any network round trip.
 */
export function voteAccepted(rating: Rating): SignalPattern {
  return {
    name: 'vote-accepted',
    steps: [
      { atMs: 0, led: rating, level: 255, buzzer: true },
      { atMs: 150, buzzer: false },
      { atMs: 1000, led: rating, level: 0 },
    ],
    durationMs: 1000,
  };
}

/**
 * Accepted vote while the hub is unreachable: the same LED, but two short beeps, so a
 * technician standing by can tell the device is saving votes locally.
 */
export function voteSavedOffline(rating: Rating): SignalPattern {
  return {
    name: 'vote-saved-offline',
    steps: [
      { atMs: 0, led: rating, level: 255, buzzer: true },
      { atMs: 80, buzzer: false },
      { atMs: 160, buzzer: true },
      { atMs: 240, buzzer: false },
      { atMs: 1000, led: rating, level: 0 },
    ],
    durationMs: 1000,
  };
}

/**
 * A vote the bridge could not keep (offline queue full with `drop-newest`, or the
 * disk refused the write): the LED, and one long low-key tone instead of the usual
 * beep, so it never sounds like a vote that was saved.
 */
export function voteNotSaved(rating: Rating): SignalPattern {
  return {
    name: 'vote-not-saved',
    steps: [
      { atMs: 0, led: rating, level: 255, buzzer: true },
      { atMs: 600, buzzer: false },
      { atMs: 1000, led: rating, level: 0 },
    ],
    durationMs: 1000,
  };
}

/**
 * A press inside the lock-out after a vote: still recorded (the hub flags it
 * `misuse`), acknowledged by the LED alone so a citizen is not encouraged to keep
 * pressing.
 */
export function voteRepeated(rating: Rating): SignalPattern {
  return {
    name: 'vote-repeated',
    steps: [
      { atMs: 0, led: rating, level: 255 },
      { atMs: 400, led: rating, level: 0 },
    ],
    durationMs: 400,
  };
}

/** `identify` command: every LED and the buzzer blink five times (find the unit in the hall). */
export function identify(): SignalPattern {
  const steps: SignalStep[] = [];
  for (let i = 0; i < 5; i++) {
    steps.push({ atMs: i * 500, led: 'all', level: 255, buzzer: true }, { atMs: i * 500 + 200, led: 'all', level: 0, buzzer: false });
  }
  return { name: 'identify', steps, durationMs: 2500 };
}

/** `selftest` command: each LED lights in turn, then one beep, so a technician can watch. */
export function selftest(ratings: readonly Rating[]): SignalPattern {
  const steps: SignalStep[] = [];
  ratings.forEach((rating, i) => {
    steps.push({ atMs: i * 250, led: rating, level: 255 }, { atMs: i * 250 + 200, led: rating, level: 0 });
  });
  const end = ratings.length * 250;
  steps.push({ atMs: end, buzzer: true }, { atMs: end + 150, buzzer: false });
  return { name: 'selftest', steps, durationMs: end + 150 };
}
