import { describe, expect, it } from 'vitest';
import { percentile } from '../../hub/reports/daily-report.ts';
import { localDate, localDayBounds, localHour } from '../../hub/reports/local-day.ts';

describe('the daily report local day', () => {
  it('runs from local midnight to local midnight in Africa/Nairobi (UTC+3)', () => {
    const { startMs, endMs } = localDayBounds('2026-12-07', 'Africa/Nairobi');
    expect(new Date(startMs).toISOString()).toBe('2026-12-06T21:00:00.000Z');
    expect(new Date(endMs).toISOString()).toBe('2026-12-07T21:00:00.000Z');
    expect(localDate(Date.parse('2026-12-07T20:30:00Z'), 'Africa/Nairobi')).toBe('2026-12-07');
    expect(localDate(Date.parse('2026-12-07T21:30:00Z'), 'Africa/Nairobi')).toBe('2026-12-08');
    expect(localHour(Date.parse('2026-12-07T05:00:00Z'), 'Africa/Nairobi')).toBe(8);
  });

  it('is 23 or 25 hours long on the days a summer-time zone changes its clocks', () => {
    const spring = localDayBounds('2026-03-29', 'Europe/London');
    expect((spring.endMs - spring.startMs) / 3_600_000).toBe(23);
    expect(new Date(spring.endMs).toISOString()).toBe('2026-03-29T23:00:00.000Z');
    const autumn = localDayBounds('2026-10-25', 'Europe/London');
    expect((autumn.endMs - autumn.startMs) / 3_600_000).toBe(25);
  });

  it('takes percentiles by nearest rank', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([10], 90)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
  });
});
