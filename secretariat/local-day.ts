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

/**
 * Every zone's UTC offset today is a whole number of quarter hours, so local midnight
 * falls on a quarter-hour boundary of UTC and all instants of one UTC quarter hour
 * share a local day. Intl formatting costs ~2 µs, once for every press the receiver
 * files (11 % of its CPU in a drain, docs/performance.md); the cache makes it once per
 * quarter hour of presses.
 */
const QUARTER_HOUR_MS = 15 * 60 * 1000;
const CACHE_LIMIT = 10_000;
const cache = new Map<string, string>();

/** YYYY-MM-DD of the instant `ms` in `timeZone`. */
export function localDay(ms: number, timeZone: string = DEFAULT_TIMEZONE): string {
  const key = `${timeZone}|${Math.floor(ms / QUARTER_HOUR_MS)}`;
  let day = cache.get(key);
  if (day === undefined) {
    day = formatDay(ms, timeZone);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, day);
  }
  return day;
}

function formatDay(ms: number, timeZone: string): string {
  const parts = formatterFor(timeZone).formatToParts(new Date(ms));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}
