import type { QueueTime } from './commands.ts';

const WEEKDAY_INDEX: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/**
 * The centre's local calendar for an instant: the ticket day (numbers restart at local
 * midnight, process contract), weekday and minute for opening hours. Computed from the
 * injected clock, so a test can roll the day over without waiting for midnight.
 */
export class LocalCalendar {
  readonly #format: Intl.DateTimeFormat;

  /** Throws a RangeError for an unknown zone (the config schema checks it first). */
  constructor(timeZone: string) {
    this.#format = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  }

  at(atMs: number): QueueTime {
    const parts: Record<string, string> = {};
    for (const part of this.#format.formatToParts(new Date(atMs))) parts[part.type] = part.value;
    return {
      atMs,
      day: `${parts.year}-${parts.month}-${parts.day}`,
      weekday: WEEKDAY_INDEX[parts.weekday!] ?? 0,
      minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute),
    };
  }
}
