import type { Clock } from '../runtime/clock.ts';

/** What the demo counts for its summary line. */
export type Activity = { kind: 'press'; rating: number; misuse: boolean } | { kind: 'issued' } | { kind: 'called' } | { kind: 'sign' };

export interface ActivitySummaryOptions {
  clock: Clock;
  /** The centre's time zone: the line starts with the centre's local time, 24-hour. */
  timeZone: string;
  write(line: string): void;
  /** Default: one line a minute. */
  everyMs?: number;
}

/**
 * The demo's quiet console: one line a minute of what happened (presses, tickets, calls)
 * instead of a line per event, so the banner with the URLs stays on screen (issue 14:
 * 290 press lines in 9 minutes pushed it away). `--verbose` prints every event instead.
 * A minute with nothing to report prints nothing.
 */
export class ActivitySummary {
  readonly #options: ActivitySummaryOptions;
  readonly #format: Intl.DateTimeFormat;
  #window = emptyCounts();
  #totalPresses = 0;
  #stop: (() => void) | null = null;

  constructor(options: ActivitySummaryOptions) {
    this.#options = options;
    this.#format = new Intl.DateTimeFormat('en-GB', { timeZone: options.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  }

  start(): void {
    this.#stop ??= this.#options.clock.setRepeating(() => this.flush(), this.#options.everyMs ?? 60_000);
  }

  stop(): void {
    this.#stop?.();
    this.#stop = null;
  }

  record(activity: Activity): void {
    const counts = this.#window;
    if (activity.kind === 'press') {
      counts.presses++;
      counts.ratingSum += activity.rating;
      if (activity.misuse) counts.misuse++;
      this.#totalPresses++;
    } else if (activity.kind === 'issued') counts.issued++;
    else if (activity.kind === 'called') counts.called++;
    else counts.signs++;
  }

  /** Writes the line for the window now ending (nothing if it was idle) and starts a new one. */
  flush(): void {
    const c = this.#window;
    this.#window = emptyCounts();
    if (c.presses + c.issued + c.called + c.signs === 0) return;
    const parts = [
      `${c.presses} press${c.presses === 1 ? '' : 'es'}${c.presses > 0 ? ` (average ${(c.ratingSum / c.presses).toFixed(1)} of 4${c.misuse > 0 ? `, ${c.misuse} repeats flagged` : ''})` : ''}`,
      `${c.issued} ticket${c.issued === 1 ? '' : 's'} issued`,
      `${c.called} called`,
      ...(c.signs > 0 ? [`${c.signs} sign update${c.signs === 1 ? '' : 's'}`] : []),
    ];
    this.#options.write(`${this.#format.format(this.#options.clock.now())}  since the last line: ${parts.join(', ')}; ${this.#totalPresses} presses stored since start`);
  }
}

function emptyCounts() {
  return { presses: 0, ratingSum: 0, misuse: 0, issued: 0, called: 0, signs: 0 };
}
