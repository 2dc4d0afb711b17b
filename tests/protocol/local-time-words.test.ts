import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clockWords, dateWords, dayPart, hoursWords, instantWords, swahiliClock, swahiliHour, timeWords, weekdayOf } from '../../protocol/wording/local-time-words.ts';

/** Reads a written Swahili time back: `saa 2:30 asubuhi` → { hour: 2, minute: 30, part: 'asubuhi' }. */
function readSwahili(text: string): { hour: number; minute: number; part: string } {
  const match = /^saa (\d{1,2})(?::(\d{2}))? (asubuhi|mchana|jioni|usiku)$/.exec(text);
  if (!match) throw new Error(`not a Swahili time: ${text}`);
  return { hour: Number(match[1]), minute: Number(match[2] ?? 0), part: match[3]! };
}

/** The rule, stated independently of the code: docs/queue.md "Times and dates in Kiswahili". */
const expectedPart = (h: number) => (h >= 6 && h <= 11 ? 'asubuhi' : h >= 12 && h <= 15 ? 'mchana' : h >= 16 && h <= 18 ? 'jioni' : 'usiku');

describe('Swahili time (docs/queue.md, Times and dates in Kiswahili)', () => {
  it('every minute of the day: hour_sw = (h + 6) mod 12 with 0 said as 12, the right part of the day, the 24-hour figure in brackets', () => {
    let checked = 0;
    for (let h = 0; h < 24; h++) {
      for (let m = 0; m < 60; m++) {
        const read = readSwahili(swahiliClock(h, m));
        expect(read.hour).toBe((h + 6) % 12 === 0 ? 12 : (h + 6) % 12);
        expect(read.minute).toBe(m);
        expect(read.part).toBe(expectedPart(h));
        // The Swahili hour and part of the day name exactly one 24-hour hour.
        const back = [...Array(24).keys()].filter((x) => swahiliHour(x) === read.hour && dayPart(x) === read.part);
        expect(back).toEqual([h]);
        const both = timeWords(h, m);
        expect(both.en).toBe(`${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
        expect(both.sw).toBe(`${swahiliClock(h, m)} (${both.en})`);
        checked++;
      }
    }
    expect(checked).toBe(24 * 60);
  });

  it('the times the review names read as Kenyans say them', () => {
    expect(clockWords('08:00').sw).toBe('saa 2 asubuhi (08:00)');
    expect(clockWords('09:30').sw).toBe('saa 3:30 asubuhi (09:30)');
    expect(clockWords('14:00').sw).toBe('saa 8 mchana (14:00)');
    expect(clockWords('17:00').sw).toBe('saa 11 jioni (17:00)');
    expect(clockWords('06:00').sw).toBe('saa 12 asubuhi (06:00)');
    expect(clockWords('18:00').sw).toBe('saa 12 jioni (18:00)');
    expect(clockWords('00:00').sw).toBe('saa 6 usiku (00:00)');
    expect(clockWords('12:00').sw).toBe('saa 6 mchana (12:00)');
    expect(hoursWords('08:00', '17:00')).toEqual({ en: '08:00–17:00', sw: 'kuanzia saa 2 asubuhi (08:00) hadi saa 11 jioni (17:00)' });
  });

  it('refuses what is not a time of day', () => {
    expect(() => swahiliClock(24, 0)).toThrow(RangeError);
    expect(() => swahiliClock(7, 60)).toThrow(RangeError);
  });

  it('dates: DD/MM/YYYY with the weekday in each language', () => {
    expect(dateWords('2026-12-05', weekdayOf('2026-12-05'))).toEqual({ en: 'Saturday 05/12/2026', sw: 'Jumamosi 05/12/2026' });
    expect(dateWords('2026-12-07', weekdayOf('2026-12-07'))).toEqual({ en: 'Monday 07/12/2026', sw: 'Jumatatu 07/12/2026' });
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), (date) => {
        const day = date.toISOString().slice(0, 10);
        const words = dateWords(day, weekdayOf(day));
        const [y, mo, d] = day.split('-');
        const weekdayEn = date.toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' });
        expect(words.en).toBe(`${weekdayEn} ${d}/${mo}/${y}`);
        expect(words.sw.endsWith(` ${d}/${mo}/${y}`)).toBe(true);
      }),
    );
  });

  it('an instant in the centre zone: 18:27 UTC is 21:27 in Nairobi, saa 3:27 usiku', () => {
    const words = instantWords(Date.parse('2026-12-07T18:27:00Z'), 'Africa/Nairobi');
    expect(words.clock).toBe('21:27');
    expect(words.time.sw).toBe('saa 3:27 usiku (21:27)');
    expect(words.date).toEqual({ en: 'Monday 07/12/2026', sw: 'Jumatatu 07/12/2026' });
    // Past local midnight the date is the next day although UTC is still on the 7th.
    expect(instantWords(Date.parse('2026-12-07T22:30:00Z'), 'Africa/Nairobi').date.sw).toBe('Jumanne 08/12/2026');
  });
});
