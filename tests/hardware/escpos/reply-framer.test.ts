import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isReply, replyBytes, ReplyFramer, XOFF, XON, type Reply, type RxEvent } from '../../../hardware/escpos/reply-framer.ts';

/** `0xx1xx10` */
const eotReply = fc.integer({ min: 0, max: 0xff }).map((b): Reply => ({ type: 'eot', byte: (b & 0x6c) | 0x12 }));
/** `0xx0xxxx` */
const plain = fc.integer({ min: 0, max: 0xff }).map((b) => b & 0x6f);
const gsrReply = plain.map((byte): Reply => ({ type: 'gsr', byte }));
const asbReply = fc
  .tuple(fc.integer({ min: 0, max: 0xff }), plain, plain, plain)
  .map(([b1, b2, b3, b4]): Reply => ({ type: 'asb', bytes: [(b1 & 0x6c) | 0x10, b2, b3, b4] }));
const reply = fc.oneof(eotReply, gsrReply, asbReply);
/** Bytes that can be nothing but noise anywhere: bit7 set, or bit4 = 1 with low bits 01/11 (not XON/XOFF). */
const noise = fc.integer({ min: 0, max: 0xff }).filter((b) => b >= 0x80 || ((b & 0x10) !== 0 && (b & 0x03) % 2 === 1 && b !== XON && b !== XOFF));

function chunked(bytes: number[], cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(Uint8Array.from(bytes.slice(start, point)));
    start = point;
  }
  return chunks;
}

const feedAll = (framer: ReplyFramer, chunks: Uint8Array[]): RxEvent[] => chunks.flatMap((chunk) => framer.feed(chunk));

describe('ReplyFramer (docs/protocols/escpos.md §4)', () => {
  it('tells DLE EOT replies, ASB frames, GS r replies and XON/XOFF apart', () => {
    const framer = new ReplyFramer();
    expect(framer.feed(Uint8Array.from([0x12, 0x18, 0x00, 0x0f, 0x00, 0x03, 0x13, 0x7e, 0x11]))).toEqual([
      { type: 'eot', byte: 0x12 },
      { type: 'asb', bytes: [0x18, 0x00, 0x0f, 0x00] },
      { type: 'gsr', byte: 0x03 },
      { type: 'xoff' },
      { type: 'eot', byte: 0x7e },
      { type: 'xon' },
    ]);
    expect(framer.discarded).toBe(0);
  });

  it('joins an ASB frame split across reads, with XOFF and a DLE EOT reply inside it', () => {
    const framer = new ReplyFramer();
    expect(framer.feed(Uint8Array.from([0x10, 0x00]))).toEqual([]);
    expect(framer.pending).toBe(2);
    expect(framer.feed(Uint8Array.from([0x13, 0x1a, 0x03]))).toEqual([{ type: 'xoff' }, { type: 'eot', byte: 0x1a }]);
    expect(framer.feed(Uint8Array.from([0x00]))).toEqual([{ type: 'asb', bytes: [0x10, 0x00, 0x03, 0x00] }]);
    expect(framer.pending).toBe(0);
  });

  it('drops garbage and counts it; a new ASB head abandons a partial frame', () => {
    const framer = new ReplyFramer();
    expect(framer.feed(Uint8Array.from([0xff, 0x80, 0x15, 0x12]))).toEqual([{ type: 'eot', byte: 0x12 }]);
    expect(framer.discarded).toBe(3);
    expect(framer.feed(Uint8Array.from([0x10, 0x00, 0x10, 0x00, 0x00, 0x00]))).toEqual([{ type: 'asb', bytes: [0x10, 0x00, 0x00, 0x00] }]);
    expect(framer.discarded).toBe(5);
    framer.feed(Uint8Array.from([0x18]));
    framer.reset();
    expect(framer.discarded).toBe(6);
  });

  it('property: replies interleaved with XON/XOFF and noise, cut anywhere, decode to the same replies', () => {
    fc.assert(
      fc.property(
        fc.array(reply, { maxLength: 30 }),
        fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constant(XON), fc.constant(XOFF), noise)), { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (replies, inserts, cuts) => {
          const bytes = replies.flatMap(replyBytes);
          // Inserted at any offset, also inside an ASB frame.
          for (const [at, extra] of inserts) bytes.splice(at % (bytes.length + 1), 0, extra);
          const framer = new ReplyFramer();
          const events = feedAll(framer, chunked(bytes, cuts));
          expect(events.filter(isReply)).toEqual(replies);
          const flow = inserts.filter(([, b]) => b === XON || b === XOFF).length;
          expect(events.length - replies.length).toBe(flow);
          expect(framer.discarded).toBe(inserts.length - flow);
          expect(framer.pending).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: random garbage never throws, splits never matter, and every byte is accounted for', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(), { maxLength: 20 }), (bytes, cuts) => {
        const whole = new ReplyFramer();
        const expected = whole.feed(bytes);
        const split = new ReplyFramer();
        expect(feedAll(split, chunked([...bytes], cuts))).toEqual(expected);
        const used = expected.reduce((sum, event) => sum + (isReply(event) ? replyBytes(event).length : 1), 0);
        expect(used + whole.discarded + whole.pending).toBe(bytes.length);
        expect(split.discarded).toBe(whole.discarded);
      }),
      { numRuns: 500 },
    );
  });

  it('property: garbage between unambiguous replies never yields a reply that was not sent', () => {
    // Unambiguous: DLE EOT replies and ASB frames (their heads have bit4 = 1); noise is
    // any byte with bit7 set, which no reply byte has.
    fc.assert(
      fc.property(
        fc.array(fc.oneof(eotReply, asbReply), { maxLength: 20 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0x80, max: 0xff })), { maxLength: 40 }),
        (replies, garbage) => {
          const bytes = replies.flatMap(replyBytes);
          for (const [at, extra] of garbage) bytes.splice(at % (bytes.length + 1), 0, extra);
          expect(new ReplyFramer().feed(Uint8Array.from(bytes)).filter(isReply)).toEqual(replies);
        },
      ),
    );
  });
});
