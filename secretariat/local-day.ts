/**
 * The Secretariat reports "today" and files feedback by the centres' local date
 * (Africa/Nairobi, UTC+3 without DST), not by UTC: a press at 01:30 local time on the
 * 5th belongs to the 5th, although it is still the 4th in UTC.
 */
export const DEFAULT_TIMEZONE = 'Africa/Nairobi';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws a RangeError for an unknown zone, which is what a bad option deserves.
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** YYYY-MM-DD of the instant `ms` in `timeZone`. */
export function localDay(ms: number, timeZone: string = DEFAULT_TIMEZONE): string {
  const parts = formatterFor(timeZone).formatToParts(new Date(ms));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}
