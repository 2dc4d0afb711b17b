import type { FirmataIo } from './firmata-host.ts';

/** One button's level as the board reported it; `down` = pressed (active low). */
export type LevelListener = (pin: number, down: boolean) => void;

interface Report {
  port: number;
  /** The last pin of this report seen so far; firmata-io walks a report's pins upwards. */
  lastPin: number;
  changes: { pin: number; down: boolean }[];
}

/**
 * Button levels straight from Firmata's digital port reports, passed on in the order the
 * board sent them (issue 14, docs/protocols/firmata.md §7 "Two buttons"). Not through
 * johnny-five's Button: its 7 ms filter is a wall-clock debounce per button, which can
 * hand on the edges of two buttons in the wrong order when they change in the same
 * millisecond (a citizen letting go of D5 as the next presses D2), and collapses an
 * edge pair into one. The bridge debounces for itself (vote-debouncer.ts).
 *
 * One report carries every pin of a port (D0–D7 for the four buttons), and firmata-io
 * emits its pins lowest first. Within one report the releases are passed on before the
 * presses: the board sampled them at the same instant, and a press is never more
 * ambiguous than the release it came with. A report ends when the next pin is not above
 * the last one, another port reports, or the chunk of serial bytes has been parsed.
 */
export class PortLevels {
  readonly #levels = new Map<number, boolean>();
  readonly #onLevel: LevelListener;
  #report: Report | null = null;
  #flushQueued = false;
  #stopped = false;

  constructor(io: FirmataIo, pins: readonly number[], onLevel: LevelListener) {
    this.#onLevel = onLevel;
    // Released until the board says otherwise, as the pull-up makes it.
    for (const pin of pins) this.#levels.set(pin, false);
    io.on('digital-read', ({ pin, value }: { pin: number; value: number }) => this.#read(pin, value === 0));
  }

  /** The last level the board reported for `pin` (also inside a report not yet passed on). */
  down(pin: number): boolean {
    return this.#levels.get(pin) ?? false;
  }

  /** Nothing more is passed on (the board's session ended). */
  stop(): void {
    this.#stopped = true;
    this.#report = null;
  }

  #read(pin: number, down: boolean): void {
    if (this.#stopped) return;
    const port = pin >> 3;
    if (this.#report && (this.#report.port !== port || pin <= this.#report.lastPin)) this.#flush();
    this.#report ??= { port, lastPin: pin, changes: [] };
    this.#report.lastPin = pin;
    const was = this.#levels.get(pin);
    if (was === undefined || was === down) return;
    this.#levels.set(pin, down);
    this.#report.changes.push({ pin, down });
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      // firmata-io parses a chunk synchronously; the last report ends with it.
      queueMicrotask(() => {
        this.#flushQueued = false;
        this.#flush();
      });
    }
  }

  #flush(): void {
    const report = this.#report;
    this.#report = null;
    if (!report || this.#stopped) return;
    for (const change of report.changes) if (!change.down) this.#onLevel(change.pin, false);
    for (const change of report.changes) if (change.down) this.#onLevel(change.pin, true);
  }
}
