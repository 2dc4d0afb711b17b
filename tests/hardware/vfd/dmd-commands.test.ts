import { describe, expect, it } from 'vitest';
import {
  blink,
  brightness,
  clear,
  clearLine,
  cursorTo,
  home,
  initialise,
  mode,
  reverse,
  route,
  screen,
  showCursor,
  text,
  writeLine,
} from '../../../hardware/vfd/dmd-commands.ts';
import { isDmdError } from '../../../hardware/vfd/dmd-errors.ts';
import { hex } from '../board-test-kit.ts';

// docs/protocols/dm-d.md §4, example "A042 -> 5", byte for byte.
const EXAMPLE = hex('1B 40 0C 1F 24 01 01 54 69 63 6B 65 74 20 41 30 34 32 1F 24 01 02 2D 3E 20 43 6F 75 6E 74 65 72 20 35');

describe('DM-D commands (§3)', () => {
  it('encodes the §3 example screen byte for byte', () => {
    expect(screen('Ticket A042', '-> Counter 5')).toEqual(EXAMPLE);
    expect(Buffer.concat([initialise(), clear(), cursorTo(1, 1), text('Ticket A042'), cursorTo(1, 2), text('-> Counter 5')])).toEqual(EXAMPLE);
  });

  it('prefixes ESC = 2 for a display in pass-through in front of a printer', () => {
    expect(screen('Ticket A042', '-> Counter 5', { passThrough: true })).toEqual(Buffer.concat([hex('1B 3D 02'), EXAMPLE]));
    expect(route('printer')).toEqual(hex('1B 3D 01'));
    expect(route('both')).toEqual(hex('1B 3D 03'));
  });

  it('encodes each command of the table', () => {
    expect(clearLine()).toEqual(hex('18'));
    expect(home()).toEqual(hex('0B'));
    expect(cursorTo(20, 2)).toEqual(hex('1F 24 14 02'));
    expect(brightness(1)).toEqual(hex('1F 58 01'));
    expect(blink(0)).toEqual(hex('1F 45 00'));
    expect(blink(255)).toEqual(hex('1F 45 FF'));
    expect(showCursor(true)).toEqual(hex('1F 43 01'));
    expect(reverse(false)).toEqual(hex('1F 72 00'));
    expect([mode('overwrite'), mode('verticalScroll'), mode('horizontalScroll')]).toEqual([hex('1F 01'), hex('1F 02'), hex('1F 03')]);
  });

  it('pads or cuts lines to 20 and normalises them to printable ASCII', () => {
    expect(writeLine(1, 'Ticket A042')).toEqual(Buffer.concat([hex('1F 24 01 01'), Buffer.from('Ticket A042         ')]));
    expect(writeLine(2, 'Huduma Centre, Counter 12 → now')).toEqual(Buffer.concat([hex('1F 24 01 02'), Buffer.from('Huduma Centre, Count')]));
    expect(writeLine(2, 'Ofisi ya Huduma', { pad: false })).toEqual(Buffer.concat([hex('1F 24 01 02'), Buffer.from('Ofisi ya Huduma')]));
    expect(text('A\x0cB\x1b@C→')).toEqual(Buffer.from('A B?@C->')); // no CLR or ESC can slip in (FF is whitespace)
    expect(screen('x'.repeat(30), 'y', { pad: true }).length).toBe(2 + 1 + 4 + 20 + 4 + 20);
  });

  it('rejects out-of-range arguments with coded errors', () => {
    for (const [column, row] of [[0, 1], [21, 1], [1, 0], [1, 3], [1.5, 1]] as const) {
      expect(() => cursorTo(column, row)).toThrow(expect.objectContaining({ code: 'position_invalid' }));
    }
    expect(() => brightness(0)).toThrow(expect.objectContaining({ code: 'value_invalid' }));
    expect(() => brightness(5)).toThrow(expect.objectContaining({ code: 'value_invalid' }));
    expect(() => blink(256)).toThrow(expect.objectContaining({ code: 'value_invalid' }));
    try {
      brightness(9);
    } catch (error) {
      expect(isDmdError(error, 'value_invalid')).toBe(true);
    }
  });
});
