import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callLines, DISPLAY_COLUMNS, idleLines } from '../../hub/peripherals/counter-display-lines.ts';

/** The 2x20 display above a counter speaks both languages (docs/peripherals.md, "Counter displays"). */
describe('counter display lines (DM-D 2x20), English and Kiswahili', () => {
  it('a call with a usual number and label shows both languages on one page', () => {
    expect(callLines('A042', '5')).toEqual(['Ticket/Tiketi A042', '-> Counter/Kaunta 5']);
    expect(callLines('A1000', '12')).toEqual(['Ticket/Tiketi A1000', '-> Counter/Kaunta 12']);
    expect(callLines('A1000', '123')).toEqual(['Ticket/Tiketi A1000', 'Counter/Kaunta 123']);
    expect(callLines('A1000', 'Window B')).toEqual(['Ticket/Tiketi A1000', '-> Kaunta Window B']);
    expect(idleLines('3', 'free')).toEqual(['Counter/Kaunta 3', 'Karibu / Welcome']);
    expect(idleLines('3', 'paused')).toEqual(['Counter/Kaunta 3', 'Paused / Imesitishwa']);
    expect(idleLines('3', 'closed')).toEqual(['Counter/Kaunta 3', 'Closed / Imefungwa']);
  });

  it('property: every line fits 20 columns and keeps the number and label whenever they fit at all', () => {
    const number = fc.stringMatching(/^[A-Z][0-9]{3,5}$/);
    const label = fc.stringMatching(/^[A-Za-z0-9 ]{1,16}$/).filter((l) => l.trim() === l && l !== '');
    fc.assert(
      fc.property(number, label, fc.constantFrom('free', 'paused', 'closed') as fc.Arbitrary<'free' | 'paused' | 'closed'>, (n, l, reason) => {
        const lines = [...callLines(n, l), ...idleLines(l, reason)];
        for (const line of lines) expect(line.length).toBeLessThanOrEqual(DISPLAY_COLUMNS);
        const [call1, call2] = callLines(n, l);
        expect(call1.endsWith(n)).toBe(true);
        if (l.length <= DISPLAY_COLUMNS - 3) expect(call2.endsWith(l)).toBe(true);
        // Both languages whenever the label is short enough for the two words.
        if (l.length <= 5) expect(call2).toContain('Counter/Kaunta');
      }),
    );
  });
});
