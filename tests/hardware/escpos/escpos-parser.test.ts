import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EscposParser, parseEscpos, type EscposCommand } from '../../../hardware/escpos/escpos-parser.ts';
import { ESC_PARAMS, ESC_VARIABLE, FS_PARAMS, FS_VARIABLE, GS_PARAMS, GS_VARIABLE } from '../../../hardware/escpos/command-lengths.ts';
import { hex } from './escpos-test-kit.ts';

/** The bytes of a command in the canonical form the parser produces (tests only). */
function encode(command: EscposCommand): number[] {
  switch (command.type) {
    case 'text': return [...Buffer.from(command.text, 'latin1')];
    case 'lf': return [0x0a];
    case 'cr': return [0x0d];
    case 'init': return [0x1b, 0x40];
    case 'printMode': return [0x1b, 0x21, command.n];
    case 'align': return [0x1b, 0x61, command.n];
    case 'bold': return [0x1b, 0x45, command.n];
    case 'underline': return [0x1b, 0x2d, command.n];
    case 'feedLines': return [0x1b, 0x64, command.n];
    case 'codeTable': return [0x1b, 0x74, command.n];
    case 'charSize': return [0x1d, 0x21, command.n];
    case 'barcodeSetting': return [0x1d, { hriPosition: 0x48, hriFont: 0x66, moduleWidth: 0x77, height: 0x68 }[command.setting], command.n];
    case 'asb': return [0x1d, 0x61, command.n];
    case 'transmitStatus': return [0x1d, 0x72, command.n];
    case 'cut':
      if (command.via) return [0x1b, command.via === 'ESC i' ? 0x69 : 0x6d];
      return command.feed === undefined ? [0x1d, 0x56, command.m] : [0x1d, 0x56, command.m, command.feed];
    case 'barcode': {
      const data = [...Buffer.from(command.data, 'latin1')];
      return command.m <= 6 ? [0x1d, 0x6b, command.m, ...data, 0x00] : [0x1d, 0x6b, command.m, data.length, ...data];
    }
    case 'symbol': {
      const k = command.params.length + 2;
      return [0x1d, 0x28, 0x6b, k & 0xff, k >> 8, command.cn, command.fn, ...command.params];
    }
    case 'raster': return [0x1d, 0x76, 0x30, command.m, command.width & 0xff, command.width >> 8, command.height & 0xff, command.height >> 8, ...new Array<number>(command.width * command.height).fill(0x10)];
    case 'columnImage': return [0x1b, 0x2a, command.m, command.width & 0xff, command.width >> 8, ...new Array<number>(command.width * (command.m & 0x20 ? 3 : 1)).fill(0x1d)];
    case 'graphics': {
      if (command.fn !== 0x70) return [0x1d, 0x28, 0x4c, 2, 0, 0x30, command.fn];
      const p = 10 + Math.ceil(command.width / 8) * command.height;
      const size = [command.width & 0xff, command.width >> 8, command.height & 0xff, command.height >> 8];
      return [0x1d, 0x28, 0x4c, p & 0xff, p >> 8, 0x30, 0x70, 0x30, 1, 1, 0x31, ...size, ...new Array<number>(p - 10).fill(0x0a)];
    }
    case 'realtime': return [0x10, command.fn === 'eot' ? 0x04 : 0x05, command.n];
    case 'other':
    case 'unknown': return command.bytes;
  }
}

const u8 = fc.integer({ min: 0, max: 0xff });
const textByte = fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }));
const n = <T extends string>(type: T) => u8.map((value) => ({ type, n: value }));
/** Codes the parser decodes into their own command types; the rest of the table is 'other'. */
const decodedEsc = new Set([0x40, 0x21, 0x61, 0x45, 0x2d, 0x64, 0x74, 0x69, 0x6d]);
const decodedGs = new Set([0x21, 0x48, 0x66, 0x77, 0x68, 0x61, 0x72]);
const fixed = (table: Readonly<Record<number, number>>, decoded: Set<number>): [number, number][] =>
  Object.entries(table).flatMap(([code, count]) => (decoded.has(Number(code)) ? [] : [[Number(code), count] as [number, number]]));
const escFixed = fixed(ESC_PARAMS, decodedEsc);
const gsFixed = fixed(GS_PARAMS, decodedGs);
const fsFixed = fixed(FS_PARAMS, new Set());
const knownEsc = new Set([...Object.keys(ESC_PARAMS).map(Number), ...ESC_VARIABLE]);
const knownGs = new Set([...Object.keys(GS_PARAMS).map(Number), ...GS_VARIABLE]);
const knownFs = new Set([...Object.keys(FS_PARAMS).map(Number), ...FS_VARIABLE]);

/** Any command, in canonical form. */
const command: fc.Arbitrary<EscposCommand> = fc.oneof(
  fc.array(textByte, { minLength: 1, maxLength: 30 }).map((bytes) => ({ type: 'text' as const, text: Buffer.from(bytes).toString('latin1') })),
  fc.constantFrom<EscposCommand>({ type: 'lf' }, { type: 'cr' }, { type: 'init' }),
  n('printMode'), n('align'), n('bold'), n('underline'), n('feedLines'), n('codeTable'), n('charSize'), n('asb'), n('transmitStatus'),
  fc.record({ type: fc.constant('barcodeSetting' as const), setting: fc.constantFrom('hriPosition' as const, 'hriFont' as const, 'moduleWidth' as const, 'height' as const), n: u8 }),
  fc.record({ type: fc.constant('cut' as const), m: fc.constantFrom(0, 1, 48, 49) }),
  fc.record({ type: fc.constant('cut' as const), m: fc.constantFrom(65, 66, 97, 98), feed: u8 }),
  fc.record({ type: fc.constant('barcode' as const), m: fc.integer({ min: 0, max: 6 }), data: fc.array(fc.integer({ min: 1, max: 0xff }), { maxLength: 30 }).map((d) => Buffer.from(d).toString('latin1')) }),
  fc.record({ type: fc.constant('barcode' as const), m: fc.integer({ min: 65, max: 73 }), data: fc.array(u8, { maxLength: 60 }).map((d) => Buffer.from(d).toString('latin1')) }),
  fc.record({ type: fc.constant('symbol' as const), cn: u8, fn: u8, params: fc.array(u8, { maxLength: 400 }) }),
  fc.record({ type: fc.constant('raster' as const), m: u8, width: fc.integer({ min: 0, max: 4 }), height: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ type: fc.constant('realtime' as const), fn: fc.constantFrom('eot' as const, 'enq' as const), n: u8 }),
  fc.constantFrom(...escFixed).chain(([code, count]) => fc.array(u8, { minLength: count, maxLength: count }).map((p) => ({ type: 'other' as const, bytes: [0x1b, code, ...p] }))),
  fc.constantFrom(...gsFixed).chain(([code, count]) => fc.array(u8, { minLength: count, maxLength: count }).map((p) => ({ type: 'other' as const, bytes: [0x1d, code, ...p] }))),
  fc.constantFrom(...fsFixed).chain(([code, count]) => fc.array(u8, { minLength: count, maxLength: count }).map((p) => ({ type: 'other' as const, bytes: [0x1c, code, ...p] }))),
  // GS ( x other than k and L: the header is kept, encodeAll writes pL bytes of data after it.
  fc.tuple(u8.filter((x) => x !== 0x6b && x !== 0x4c), fc.integer({ min: 0, max: 20 })).map(([fn, length]) => ({ type: 'other' as const, bytes: [0x1d, 0x28, fn, length, 0] })),
  // ESC D n1…nk NUL: tab stops, parameters that are printable bytes.
  fc.array(fc.integer({ min: 1, max: 0xff }), { maxLength: 32 }).map((stops) => ({ type: 'other' as const, bytes: [0x1b, 0x44, ...stops, 0] })),
  fc.record({ type: fc.constant('cut' as const), m: fc.constant(1), via: fc.constantFrom('ESC i' as const, 'ESC m' as const) }),
  fc.record({ type: fc.constant('columnImage' as const), m: fc.constantFrom(0, 1, 32, 33), width: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ type: fc.constant('graphics' as const), fn: fc.constant(0x70), width: fc.integer({ min: 0, max: 24 }), height: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ type: fc.constant('graphics' as const), fn: fc.constantFrom(0x32, 0x02, 0x31), width: fc.constant(0), height: fc.constant(0) }),
  u8.filter((x) => !knownEsc.has(x)).map((x) => ({ type: 'unknown' as const, bytes: [0x1b, x] })),
  u8.filter((x) => !knownGs.has(x)).map((x) => ({ type: 'unknown' as const, bytes: [0x1d, x] })),
  u8.filter((x) => !knownFs.has(x)).map((x) => ({ type: 'unknown' as const, bytes: [0x1c, x] })),
  fc.integer({ min: 0, max: 0x1f }).filter((x) => ![0x0a, 0x0d, 0x10, 0x1b, 0x1c, 0x1d].includes(x)).map((x) => ({ type: 'unknown' as const, bytes: [x] })),
);

/** `GS ( x` other than k: the encoder above writes pL bytes of data after the header. */
function encodeAll(commands: EscposCommand[]): number[] {
  return commands.flatMap((c) => (c.type === 'other' && c.bytes[0] === 0x1d && c.bytes[1] === 0x28 ? [...c.bytes, ...new Array<number>(c.bytes[3]!).fill(0x41)] : encode(c)));
}

/** Adjacent text runs merge into one: the canonical form. */
function canonical(commands: EscposCommand[]): EscposCommand[] {
  const out: EscposCommand[] = [];
  for (const c of commands) {
    const last = out.at(-1);
    if (c.type === 'text' && last?.type === 'text') out[out.length - 1] = { type: 'text', text: last.text + c.text };
    else out.push(c);
  }
  return out;
}

function feedChunks(bytes: number[], cuts: number[]): EscposCommand[] {
  const parser = new EscposParser();
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: EscposCommand[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    out.push(...parser.feed(Uint8Array.from(bytes.slice(start, point))));
    start = point;
  }
  return [...out, ...parser.flush()];
}

describe('EscposParser (docs/protocols/escpos.md §1: exact lengths)', () => {
  it('reads GS ( k by pL/pH, with 0x0A and 1B 40 inside the data', () => {
    const data = [...'AB\n\x1b@CD'].map((c) => c.charCodeAt(0));
    const k = data.length + 3;
    expect(parseEscpos(Uint8Array.from([0x1d, 0x28, 0x6b, k, 0, 0x31, 0x50, 0x30, ...data, 0x0a]))).toEqual([
      { type: 'symbol', cn: 0x31, fn: 0x50, params: [0x30, ...data] },
      { type: 'lf' },
    ]);
    const big = new Array<number>(300).fill(0x41);
    const [symbol] = parseEscpos(Uint8Array.from([0x1d, 0x28, 0x6b, 303 & 0xff, 303 >> 8, 0x31, 0x50, 0x30, ...big]));
    expect(symbol).toEqual({ type: 'symbol', cn: 0x31, fn: 0x50, params: [0x30, ...big] });
  });

  it('reads GS k 73 by n and GS k 0..6 to the NUL', () => {
    expect(parseEscpos(Uint8Array.from(hex('1d 6b 49 06 7b 42 "A042" 0a')))).toEqual([{ type: 'barcode', m: 73, data: '{BA042' }, { type: 'lf' }]);
    expect(parseEscpos(Uint8Array.from(hex('1d 6b 04 "A042" 00 "x"')))).toEqual([{ type: 'barcode', m: 4, data: 'A042' }, { type: 'text', text: 'x' }]);
  });

  it('gives GS V 65/66 one extra byte and GS V 0/1 none', () => {
    expect(parseEscpos(Uint8Array.from(hex('1d 56 42 41 1d 56 00 41')))).toEqual([
      { type: 'cut', m: 66, feed: 0x41 },
      { type: 'cut', m: 0 },
      { type: 'text', text: 'A' },
    ]);
  });

  it('parses the library fixture (docs/protocols/escpos.md §7)', () => {
    const bytes = hex(`1b 74 00 1b 61 01 1b 45 01 "HUDUMA CENTRE" 0a 1b 45 00 1d 21 33 "A042" 0a 1b 21 00 "Karibu / Welcome" 0a
      1d 28 6b 04 00 31 41 32 00 1d 28 6b 03 00 31 43 06 1d 28 6b 03 00 31 45 31 1d 28 6b 07 00 31 50 30 "A042"
      1d 28 6b 03 00 31 51 30 1d 48 00 1d 66 00 1d 77 03 1d 68 a2 1d 6b 49 06 7b 42 "A042" 1b 64 04 1b 64 04 1d 56 00 1b 40`);
    const types = parseEscpos(Uint8Array.from(bytes)).map((c) => c.type);
    expect(types).toEqual([
      'codeTable', 'align', 'bold', 'text', 'lf', 'bold', 'charSize', 'text', 'lf', 'printMode', 'text', 'lf',
      'symbol', 'symbol', 'symbol', 'symbol', 'symbol', 'barcodeSetting', 'barcodeSetting', 'barcodeSetting', 'barcodeSetting', 'barcode',
      'feedLines', 'feedLines', 'cut', 'init',
    ]);
  });

  it('property: random command sequences round-trip, however the bytes are split', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 25 }), fc.array(fc.nat(), { maxLength: 10 }), (commands, cuts) => {
        const expected = canonical(commands);
        const bytes = encodeAll(commands);
        expect(parseEscpos(Uint8Array.from(bytes))).toEqual(expected);
        expect(feedChunks(bytes, cuts)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('property: fuzzed bytes never throw and parse the same in any split', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 10 }), (bytes, cuts) => {
        expect(feedChunks([...bytes], cuts)).toEqual(parseEscpos(bytes));
      }),
      { numRuns: 400 },
    );
  });

  it('recovers at the next command after garbage', () => {
    const parser = new EscposParser();
    parser.feed(Uint8Array.from([0x1d, 0x28, 0x6b, 0x05])); // a truncated header...
    expect(parser.midCommand).toBe(true);
    parser.reset(); // ...forgotten, as when the line to the host is lost
    expect(parser.feed(Uint8Array.from(hex('1b 40 "ok" 0a')))).toEqual([{ type: 'init' }, { type: 'text', text: 'ok' }, { type: 'lf' }]);
  });
});
