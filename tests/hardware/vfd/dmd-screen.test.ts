import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blink, brightness, clear, cursorTo, initialise, mode, reverse, screen, showCursor, text, writeLine } from '../../../hardware/vfd/dmd-commands.ts';
import { DmdScreen } from '../../../hardware/vfd/dmd-screen.ts';
import { hex } from '../board-test-kit.ts';

const fed = (...chunks: Buffer[]): DmdScreen => {
  const s = new DmdScreen();
  for (const chunk of chunks) s.feed(chunk);
  return s;
};
const feed = (s: DmdScreen, ...chunks: Buffer[]): void => chunks.forEach((chunk) => s.feed(chunk));
const trimmed = (s: DmdScreen): string[] => s.lines().map((line) => line.trimEnd());

describe('DmdScreen (§3 command set)', () => {
  it('shows the §3 example, fed whole or byte by byte', () => {
    const bytes = screen('Ticket A042', '-> Counter 5');
    expect(trimmed(fed(bytes))).toEqual(['Ticket A042', '-> Counter 5']);
    expect(trimmed(fed(...[...bytes].map((byte) => Buffer.from([byte]))))).toEqual(['Ticket A042', '-> Counter 5']);
    expect(fed(bytes).lines()[0]).toHaveLength(20);
  });

  it('overwrites a padded line in place and parks the cursor after column 20', () => {
    const s = fed(screen('Ticket A042', '-> Counter 5'), writeLine(1, 'Ticket A043'), writeLine(2, '-> Counter 12'));
    expect(trimmed(s)).toEqual(['Ticket A043', '-> Counter 12']);
    expect(s.cursor).toEqual({ column: 20, row: 2 });
    s.feed(text('X')); // overwrite mode: wraps to the start of the other line
    expect(trimmed(s)).toEqual(['Xicket A043', '-> Counter 12']);
  });

  it('scrolls in vertical and horizontal scroll modes', () => {
    const vertical = fed(mode('verticalScroll'), text('a'.repeat(20) + 'b'.repeat(20) + 'c'));
    expect(trimmed(vertical)).toEqual(['b'.repeat(20), 'c']);
    const horizontal = fed(mode('horizontalScroll'), text('0123456789abcdefghijKL'));
    expect(trimmed(horizontal)).toEqual(['23456789abcdefghijKL', '']);
    expect(fed(mode('verticalScroll'), cursorTo(3, 2), text('z'), hex('0A')).lines()[0].trimEnd()).toBe('  z');
  });

  it('moves the cursor and clears as the table says', () => {
    const s = fed(text('hello'), hex('0D'), text('J')); // CR
    expect(trimmed(s)).toEqual(['Jello', '']);
    s.feed(hex('0A')); // LF
    s.feed(text('w'));
    expect(trimmed(s)).toEqual(['Jello', ' w']);
    s.feed(hex('08 08 08')); // BS ×3: to (1,2), then wraps back to (20,1)
    s.feed(text('!'));
    expect(trimmed(s)).toEqual(['Jello              !', ' w']);
    s.feed(hex('0B')); // HOM
    s.feed(hex('09 09')); // HT ×2
    s.feed(text('L'));
    expect(trimmed(s)[0]).toBe('JeLlo              !');
    feed(s, hex('1F 42'), text('B')); // US B: bottom left
    feed(s, hex('1F 0A'), text('U')); // US LF: up
    feed(s, hex('1F 0D'), text('R')); // US CR: right end
    expect(trimmed(s)).toEqual(['JULlo              R', 'Bw']);
    s.feed(hex('18')); // CAN clears the cursor line
    expect(trimmed(s)).toEqual(['', 'Bw']);
    expect(s.cursor).toEqual({ column: 1, row: 1 });
    s.feed(clear());
    expect(trimmed(s)).toEqual(['', '']);
  });

  it('keeps settings, and ESC @ resets them', () => {
    const s = fed(brightness(2), blink(10), showCursor(true), reverse(true), hex('1B 74 10 1B 52 02 1F 54 0D 2A 1F 55'));
    expect(s.settings).toMatchObject({ brightness: 2, blink: 10, displayOn: true, cursorVisible: true, reverse: true, codeTable: 16, internationalSet: 2, time: { hour: 13, minute: 42 }, timeShown: true });
    s.feed(blink(255));
    expect(s.settings.displayOn).toBe(false);
    s.feed(hex('1F 58 09 1F 24 00 01 1F 24 15 01')); // out of range: ignored
    expect(s.settings.brightness).toBe(2);
    expect(s.cursor).toEqual({ column: 1, row: 1 });
    feed(s, text('x'), initialise());
    expect(s.settings).toMatchObject({ brightness: 4, blink: 0, displayOn: true, cursorVisible: false, reverse: false, mode: 'overwrite' });
    expect(trimmed(s)).toEqual(['', '']);
  });

  it('ignores unknown codes, DLE real-time commands and data routed to the printer', () => {
    const s = fed(hex('10 04 01 10 14 01 00 01 00 07 1B 61 01 1F 7A'), text('ok'));
    expect(trimmed(s)).toEqual(['ok', '']);
    feed(s, hex('1B 3D 01'), text('to the printer'), hex('0C 1B 40'), hex('1B 3D 02'), text('!'));
    expect(trimmed(s)).toEqual(['ok!', '']);
    feed(s, hex('1B 3D 03'), text('?'), hex('1B 3D 07'), text('.'));
    expect(trimmed(s)).toEqual(['ok!?.', '']);
    s.feed(hex('81 E9'));
    expect(s.lines()[0].slice(5, 7)).toBe('\u0081\u00e9'); // 80–FF shown, rendered as Latin-1
  });

  it('follows US ( A device selection when it has a device number', () => {
    const s = new DmdScreen({ deviceNumber: 3 });
    s.feed(hex('1F 28 41 03 00 30 30 03'));
    s.feed(text('hidden'));
    expect(trimmed(s)).toEqual(['', '']);
    s.feed(hex('1F 28 41 05 00 30 31 02 31 00'));
    s.feed(text('shown'));
    expect(trimmed(s)).toEqual(['shown', '']);
    const plain = fed(hex('1F 28 41 03 00 30 30 00'), text('no number: always on'));
    expect(trimmed(plain)[0]).toBe('no number: always on');
  });

  // A reference model of overwrite mode on high-level operations, written independently
  // of DmdScreen: the grid as two strings, the cursor, and the "parked" flag.
  type Op =
    | { k: 'text'; s: string }
    | { k: 'cursor'; x: number; y: number }
    | { k: 'line'; row: 1 | 2; s: string }
    | { k: 'clear' | 'init' | 'home' | 'cr' | 'lf' | 'can' | 'bs' | 'ht' }
    | { k: 'noise'; bytes: Buffer };
  const ascii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 30 });
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ k: fc.constant('text' as const), s: ascii }),
    fc.record({ k: fc.constant('cursor' as const), x: fc.integer({ min: 1, max: 20 }), y: fc.integer({ min: 1, max: 2 }) }),
    fc.record({ k: fc.constant('line' as const), row: fc.constantFrom(1 as const, 2 as const), s: ascii }),
    fc.record({ k: fc.constantFrom('clear' as const, 'init' as const, 'home' as const, 'cr' as const, 'lf' as const, 'can' as const, 'bs' as const, 'ht' as const) }),
    fc.record({
      k: fc.constant('noise' as const),
      bytes: fc.constantFrom(brightness(1), blink(3), reverse(true), showCursor(true), hex('1B 74 00'), hex('10 04 02'), hex('1B 61'), hex('07'), hex('1F 58 00')),
    }),
  );
  const CONTROL = { clear: '0C', init: '1B 40', home: '0B', cr: '0D', lf: '0A', can: '18', bs: '08', ht: '09' } as const;
  const encode = (o: Op): Buffer =>
    o.k === 'text' ? text(o.s) : o.k === 'cursor' ? cursorTo(o.x, o.y) : o.k === 'line' ? writeLine(o.row, o.s) : o.k === 'noise' ? o.bytes : hex(CONTROL[o.k]);

  function model(ops: Op[]): { rows: string[]; column: number; row: number } {
    let rows = [' '.repeat(20), ' '.repeat(20)];
    let [col, row, parked] = [0, 0, false];
    const go = (c: number, r: number): void => void ([col, row, parked] = [c, r, false]);
    const put = (s: string): void => {
      for (const ch of s) {
        if (parked) go(0, 1 - row);
        rows[row] = rows[row]!.slice(0, col) + ch + rows[row]!.slice(col + 1);
        if (col < 19) col++;
        else parked = true;
      }
    };
    for (const o of ops) {
      if (o.k === 'text') put(o.s);
      else if (o.k === 'cursor') go(o.x - 1, o.y - 1);
      else if (o.k === 'line') (go(0, o.row - 1), put(o.s.slice(0, 20).padEnd(20)));
      else if (o.k === 'clear' || o.k === 'init') (rows = [' '.repeat(20), ' '.repeat(20)], go(0, 0));
      else if (o.k === 'home') go(0, 0);
      else if (o.k === 'cr') go(0, row);
      else if (o.k === 'lf') go(col, 1 - row);
      else if (o.k === 'can') (rows[row] = ' '.repeat(20), go(0, row));
      else if (o.k === 'bs') parked ? (parked = false) : col > 0 ? col-- : go(19, 1 - row);
      else if (o.k === 'ht') col < 19 ? col++ : go(0, 1 - row);
    }
    return { rows, column: col + 1, row: row + 1 };
  }

  it('matches the reference model for random command sequences, however the bytes are chunked', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 10 }), (ops, cuts) => {
        const bytes = Buffer.concat(ops.map(encode));
        const s = new DmdScreen();
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1))), bytes.length].sort((a, b) => a - b);
        let start = 0;
        for (const point of points) (s.feed(bytes.subarray(start, point)), (start = point));
        const expected = model(ops);
        expect(s.lines()).toEqual(expected.rows);
        expect(s.cursor).toEqual({ column: expected.column, row: expected.row });
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on random bytes and keeps the grid and cursor in range', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 12 }), (chunks) => {
        const s = new DmdScreen({ deviceNumber: 1 });
        for (const chunk of chunks) s.feed(chunk);
        const [first, second] = s.lines();
        expect([first.length, second.length]).toEqual([20, 20]);
        expect(s.cursor.column).toBeGreaterThanOrEqual(1);
        expect(s.cursor.column).toBeLessThanOrEqual(20);
        expect([1, 2]).toContain(s.cursor.row);
      }),
      { numRuns: 500 },
    );
  });
});
