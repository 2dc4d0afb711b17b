import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntelHexError } from '../../../hardware/firmata/avr/avr-errors.ts';
import { ERASED, parseIntelHex, toProgramWords } from '../../../hardware/firmata/avr/intel-hex.ts';

// Big enough that extended linear address records (type 04) are needed.
const SIZE = 0x30000;

interface Block {
  address: number;
  data: Uint8Array;
}

const hexByte = (value: number) => value.toString(16).padStart(2, '0').toUpperCase();

function record(type: number, offset: number, data: ArrayLike<number>): string {
  const bytes = [data.length, offset >> 8, offset & 0xff, type, ...Array.from(data)];
  const checksum = (0x100 - (bytes.reduce((sum, byte) => sum + byte, 0) & 0xff)) & 0xff;
  return `:${[...bytes, checksum].map(hexByte).join('')}`;
}

/**
 * A small independent encoder: data records of up to `perRecord` bytes that never cross
 * a 64 KiB boundary, an extended address record (linear 04, or segment 02 below 1 MiB)
 * whenever the upper bits change, then end-of-file.
 */
function encode(blocks: Block[], perRecord: number, useSegments: boolean, newline: string): string {
  const lines: string[] = [];
  let upper = 0;
  for (const { address, data } of blocks) {
    let i = 0;
    while (i < data.length) {
      const at = address + i;
      const room = 0x10000 - (at & 0xffff);
      const chunk = data.subarray(i, i + Math.min(perRecord, room));
      if (at >>> 16 !== upper) {
        upper = at >>> 16;
        lines.push(useSegments ? record(0x02, 0, [(upper << 12) >> 8, 0]) : record(0x04, 0, [upper >> 8, upper & 0xff]));
      }
      lines.push(record(0x00, at & 0xffff, chunk));
      i += chunk.length;
    }
  }
  lines.push(record(0x01, 0, []));
  return lines.join(newline) + newline;
}

function model(blocks: Block[]): Uint8Array {
  const image = new Uint8Array(SIZE).fill(ERASED);
  for (const { address, data } of blocks) image.set(data, address);
  return image;
}

const blockArb = fc
  .record({ address: fc.integer({ min: 0, max: SIZE - 1 }), data: fc.uint8Array({ minLength: 1, maxLength: 300 }) })
  .map(({ address, data }) => ({ address, data: data.subarray(0, SIZE - address) }));
const encodedArb = fc.record({
  blocks: fc.array(blockArb, { maxLength: 12 }),
  perRecord: fc.integer({ min: 1, max: 255 }),
  useSegments: fc.boolean(),
  newline: fc.constantFrom('\n', '\r\n'),
});

describe('parseIntelHex', () => {
  it('round-trips whatever the encoder writes (data, 02/04 extended addresses, either line ending)', () => {
    fc.assert(
      fc.property(encodedArb, ({ blocks, perRecord, useSegments, newline }) => {
        // Buffer.equals: a deep toEqual over 192 KiB is slow, and a diff of it unreadable.
        const parsed = parseIntelHex(encode(blocks, perRecord, useSegments, newline), SIZE);
        expect(Buffer.from(parsed).equals(Buffer.from(model(blocks)))).toBe(true);
      }),
    );
  });

  it('rejects a record whose checksum is wrong, naming its line', () => {
    fc.assert(
      fc.property(encodedArb, fc.nat(), fc.integer({ min: 1, max: 255 }), ({ blocks, perRecord, useSegments }, pick, delta) => {
        const lines = encode(blocks, perRecord, useSegments, '\n').trimEnd().split('\n');
        const index = pick % lines.length;
        const line = lines[index]!;
        const checksum = parseInt(line.slice(-2), 16);
        lines[index] = line.slice(0, -2) + hexByte((checksum + delta) & 0xff);
        const error = catchError(() => parseIntelHex(lines.join('\n'), SIZE));
        expect(error).toBeInstanceOf(IntelHexError);
        expect(error).toMatchObject({ code: 'intel_hex_invalid', line: index + 1 });
        expect((error as Error).message).toContain('checksum');
      }),
    );
  });

  it('throws nothing but IntelHexError on arbitrary or mangled text', () => {
    const hexish = fc.string({ unit: fc.constantFrom(...':0123456789abcdefABCDEF\n\r '.split('')), maxLength: 200 });
    const mangled = fc
      .tuple(encodedArb, fc.nat(), fc.string({ maxLength: 3 }))
      .map(([{ blocks, perRecord, useSegments }, at, insert]) => {
        const text = encode(blocks.slice(0, 3), perRecord, useSegments, '\n');
        const i = at % (text.length + 1);
        return text.slice(0, i) + insert + text.slice(i + 1);
      });
    fc.assert(
      fc.property(fc.oneof(fc.string(), hexish, mangled), (text) => {
        const error = catchError(() => parseIntelHex(text, 0x1000));
        if (error !== null) expect(error).toBeInstanceOf(IntelHexError);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a file without an end-of-file record, and data beyond the memory', () => {
    expect(() => parseIntelHex(record(0x00, 0, [1, 2]), 16)).toThrow(/no end-of-file record/);
    expect(() => parseIntelHex([record(0x00, 15, [1, 2]), record(0x01, 0, [])].join('\n'), 16)).toThrow(/line 1: writes address 0x10/);
  });

  it('lays out flash as little-endian 16-bit words for avr8js', () => {
    const image = parseIntelHex([record(0x00, 0, [0x0c, 0x94, 0x5c, 0x00]), record(0x01, 0, [])].join('\n'), 6);
    expect(Array.from(toProgramWords(image))).toEqual([0x940c, 0x005c, 0xffff]);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
    return null;
  } catch (error) {
    return error;
  }
}
