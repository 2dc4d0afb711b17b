import { describe, expect, it } from 'vitest';
import { ActivitySummary } from '../../demo/activity-summary.ts';
import { ManualClock } from '../../runtime/clock.ts';

describe('the demo console summary (one line a minute instead of a line per event)', () => {
  // 2026-03-02 05:00 UTC is 08:00 in Nairobi.
  const start = Date.parse('2026-03-02T05:00:00Z');

  it('writes one line per minute with what happened in it, in the centre local time, and nothing for an idle minute', () => {
    const clock = new ManualClock(start);
    const lines: string[] = [];
    const summary = new ActivitySummary({ clock, timeZone: 'Africa/Nairobi', write: (line) => lines.push(line) });
    summary.start();
    for (const rating of [4, 4, 3, 1]) summary.record({ kind: 'press', rating, misuse: rating === 1 });
    summary.record({ kind: 'issued' });
    summary.record({ kind: 'issued' });
    summary.record({ kind: 'called' });
    summary.record({ kind: 'sign' });
    clock.advance(59_999);
    expect(lines).toEqual([]);
    clock.advance(1);
    expect(lines).toEqual(['08:01  since the last line: 4 presses (average 3.0 of 4, 1 repeats flagged), 2 tickets issued, 1 called, 1 sign update; 4 presses stored since start']);
    clock.advance(60_000);
    expect(lines).toHaveLength(1);
    summary.record({ kind: 'press', rating: 4, misuse: false });
    clock.advance(60_000);
    expect(lines[1]).toBe('08:03  since the last line: 1 press (average 4.0 of 4), 0 tickets issued, 0 called; 5 presses stored since start');
    summary.stop();
    summary.record({ kind: 'called' });
    clock.advance(600_000);
    expect(lines).toHaveLength(2);
  });
});
