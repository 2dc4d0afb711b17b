/**
 * A local calendar day of the centre as instants: [start, end) in ms since the epoch,
 * midnight to midnight in the centre's zone (docs/reports.md, "The local day"). Works
 * for zones with summer time too: each midnight is found by its own offset.
 */
export function localDayBounds(date: string, timeZone: string): { startMs: number; endMs: number } {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return { startMs: localMidnight(y, m, d, timeZone), endMs: localMidnight(y, m, d + 1, timeZone) };
}

/** The local date (YYYY-MM-DD) of an instant in `timeZone`. */
export function localDate(atMs: number, timeZone: string): string {
  const parts = partsOf(atMs, timeZone);
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** The local hour (0–23) of an instant in `timeZone`. */
export function localHour(atMs: number, timeZone: string): number {
  return Number(partsOf(atMs, timeZone).hour);
}

function localMidnight(y: number, m: number, d: number, timeZone: string): number {
  const asUtc = Date.UTC(y, m - 1, d);
  // Two passes: the offset at the first guess, then at the instant it gives (a guess on
  // the wrong side of a summer-time change has the other offset).
  const first = asUtc - offsetMs(asUtc, timeZone);
  return asUtc - offsetMs(first, timeZone);
}

/** How far local wall time is ahead of UTC at `atMs` (Nairobi: +3 h). */
function offsetMs(atMs: number, timeZone: string): number {
  const p = partsOf(atMs, timeZone);
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return wall - Math.floor(atMs / 1000) * 1000;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function partsOf(atMs: number, timeZone: string): Record<string, string> {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(atMs))) parts[part.type] = part.value;
  return parts;
}
