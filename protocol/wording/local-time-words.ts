import type { LocalizedText } from '../queue/ticket.ts';

/**
 * Times and dates as a citizen reads them, in English and Kiswahili (docs/queue.md,
 * "Times and dates in Kiswahili").
 *
 * Kenyan Kiswahili counts the hours of the day from 6 am, not from midnight: 08:00 is
 * "saa 2 asubuhi" (the second hour of the morning), 14:00 "saa 8 mchana". A bare
 * "saa 08:00" therefore reads as 2 pm, and a citizen told the office opens then comes
 * back six hours late. Every Kiswahili time the hub writes says the Swahili hour, the
 * part of the day and, in brackets, the 24-hour figure the signs and tickets print.
 * Dates are DD/MM/YYYY with the weekday, as Kenyans write them (ISO dates read as codes).
 */

export type DayPart = 'asubuhi' | 'mchana' | 'jioni' | 'usiku';

export const WEEKDAYS: readonly LocalizedText[] = [
  { en: 'Monday', sw: 'Jumatatu' },
  { en: 'Tuesday', sw: 'Jumanne' },
  { en: 'Wednesday', sw: 'Jumatano' },
  { en: 'Thursday', sw: 'Alhamisi' },
  { en: 'Friday', sw: 'Ijumaa' },
  { en: 'Saturday', sw: 'Jumamosi' },
  { en: 'Sunday', sw: 'Jumapili' },
];

/** The Swahili hour of a 24-hour clock hour: (h + 6) mod 12, where 0 is said as 12. */
export function swahiliHour(hour: number): number {
  const sw = (hour + 6) % 12;
  return sw === 0 ? 12 : sw;
}

/**
 * The part of the day a Swahili hour is said with: asubuhi 06:00–11:59, mchana
 * 12:00–15:59, jioni 16:00–18:59, usiku 19:00–05:59 (the usage of Kenyan signs and
 * radio; "saa 11 jioni" is 17:00, "saa 6 usiku" midnight).
 */
export function dayPart(hour: number): DayPart {
  if (hour >= 6 && hour < 12) return 'asubuhi';
  if (hour >= 12 && hour < 16) return 'mchana';
  if (hour >= 16 && hour < 19) return 'jioni';
  return 'usiku';
}

const two = (n: number) => String(n).padStart(2, '0');

/** `HH:MM`, 24-hour: what the pages, tickets and signs print. */
export function clock24(hour: number, minute: number): string {
  return `${two(hour)}:${two(minute)}`;
}

/** `saa 2 asubuhi`, `saa 2:30 asubuhi`: the Swahili hour and part of the day, no 24-hour figure. */
export function swahiliClock(hour: number, minute: number): string {
  checkClock(hour, minute);
  const hh = swahiliHour(hour);
  return `saa ${minute === 0 ? hh : `${hh}:${two(minute)}`} ${dayPart(hour)}`;
}

/** A time in both languages: `{ en: '08:00', sw: 'saa 2 asubuhi (08:00)' }`. */
export function timeWords(hour: number, minute: number): LocalizedText {
  const figure = clock24(hour, minute);
  return { en: figure, sw: `${swahiliClock(hour, minute)} (${figure})` };
}

/** `HH:MM` (the config's opening hours) in both languages. */
export function clockWords(clock: string): LocalizedText {
  const match = /^(\d{1,2}):(\d{2})$/.exec(clock);
  if (!match) return { en: clock, sw: clock };
  return timeWords(Number(match[1]), Number(match[2]));
}

/** A range of opening hours: `{ en: '08:00–17:00', sw: 'kuanzia saa 2 asubuhi (08:00) hadi saa 11 jioni (17:00)' }`. */
export function hoursWords(open: string, close: string): LocalizedText {
  const from = clockWords(open);
  const to = clockWords(close);
  return { en: `${from.en}–${to.en}`, sw: `kuanzia ${from.sw} hadi ${to.sw}` };
}

/**
 * A local date `YYYY-MM-DD` with its weekday (0 = Monday): `{ en: 'Monday 07/12/2026',
 * sw: 'Jumatatu 07/12/2026' }`.
 */
export function dateWords(day: string, weekday: number): LocalizedText {
  const [year, month, date] = day.split('-');
  const name = WEEKDAYS[weekday] ?? WEEKDAYS[0]!;
  const figure = `${date}/${month}/${year}`;
  return { en: `${name.en} ${figure}`, sw: `${name.sw} ${figure}` };
}

/** The weekday (0 = Monday) of a calendar date `YYYY-MM-DD`. */
export function weekdayOf(day: string): number {
  return (new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * The centre's local date and time of an instant, in both languages. Throws a
 * RangeError for an unknown zone (the config schema checks zones at start).
 */
export function instantWords(atMs: number, timeZone: string): { date: LocalizedText; time: LocalizedText; day: string; clock: string } {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(atMs))) parts[part.type] = part.value;
  const day = `${parts.year}-${parts.month}-${parts.day}`;
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  return { date: dateWords(day, weekdayOf(day)), time: timeWords(hour, minute), day, clock: clock24(hour, minute) };
}

function checkClock(hour: number, minute: number): void {
  if (!Number.isInteger(hour) || hour < 0 || hour > 23 || !Number.isInteger(minute) || minute < 0 || minute > 59) {
    throw new RangeError(`not a time of day: ${hour}:${minute}`);
  }
}
