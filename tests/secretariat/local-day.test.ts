import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDay } from '../../secretariat/local-day.ts';

const referenceFormats = new Map<string, Intl.DateTimeFormat>();
/** The uncached answer, straight from Intl (en-CA formats dates as YYYY-MM-DD). */
function reference(ms: number, timeZone: string): string {
  if (!referenceFormats.has(timeZone)) referenceFormats.set(timeZone, new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }));
  return referenceFormats.get(timeZone)!.format(new Date(ms));
}

// Half- and quarter-hour offsets and a half-hour DST shift: the cases a per-quarter-hour cache could get wrong.
const ZONES = ['Africa/Nairobi', 'UTC', 'Asia/Kathmandu', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham', 'Europe/London'];
const FROM = Date.UTC(1980, 0, 1);
const TO = Date.UTC(2100, 0, 1);

describe('localDay', () => {
  it('files a press at 01:30 in Nairobi under the local date, not the UTC one', () => {
    expect(localDay(Date.UTC(2026, 11, 4, 22, 30))).toBe('2026-12-05');
    expect(localDay(Date.UTC(2026, 11, 4, 20, 59, 59, 999))).toBe('2026-12-04');
  });

  it('agrees with Intl for every instant of a day, walked forwards and backwards, in any zone', () => {
    // The walk visits each quarter hour at its first and last millisecond and in
    // between, so a cache bucket that spanned a local midnight would answer wrongly.
    const STEP = 7.5 * 60 * 1000;
    fc.assert(
      fc.property(fc.integer({ min: FROM, max: TO }), fc.constantFrom(...ZONES), fc.boolean(), (start, zone, backwards) => {
        const base = Math.floor(start / 900_000) * 900_000;
        for (let i = 0; i <= (26 * 3600_000) / STEP; i++) {
          const at = base + (backwards ? -1 : 1) * i * STEP;
          for (const t of [at - 1, at, at + 1]) expect(localDay(t, zone)).toBe(reference(t, zone));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('refuses an unknown zone', () => {
    expect(() => localDay(0, 'Mars/Olympus')).toThrow(RangeError);
  });
});
