import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressMatches, encodeBlock, encodePacket, type AlphaBlock, type AlphaPacket } from '../../../hardware/alpha/alpha-frame.ts';
import { AlphaPacketParser, decodePackets, type DecodedAlphaPacket } from '../../../hardware/alpha/alpha-parser.ts';
import { fieldsForLines, writeTextPacket } from '../../../hardware/alpha/alpha-text.ts';
import { hex } from '../board-test-kit.ts';

const printable = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code));
const addressChar = fc.constantFrom(...'0123456789ABCDEF?');
const address = fc.tuple(addressChar, addressChar).map(([a, b]) => a + b);
/** Any byte but SOH/STX/ETX/EOT, which §2 reserves for framing. */
const dataByte = fc.integer({ min: 0, max: 0xff }).filter((byte) => byte < 0x01 || byte > 0x04);
const block: fc.Arbitrary<AlphaBlock> = fc.record({
  command: printable,
  data: fc.array(dataByte, { maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
  checksum: fc.boolean(),
});
const packet: fc.Arbitrary<AlphaPacket> = fc.record({ type: printable, address, blocks: fc.array(block, { minLength: 1, maxLength: 4 }) });

const decoded = (p: AlphaPacket): DecodedAlphaPacket => ({ ...p, blocks: p.blocks.map((b) => ({ ...b, valid: true })), ended: 'eot' });

/** `bytes` cut at the given offsets (taken modulo its length). */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  return chunks;
}

function feedAll(parser: AlphaPacketParser, chunks: Buffer[], now = 0): DecodedAlphaPacket[] {
  return chunks.flatMap((chunk) => parser.feed(chunk, now));
}

describe('AlphaPacketParser (§2 emulator steps)', () => {
  const callTo05 = encodePacket(writeTextPacket('05', 'A', fieldsForLines(['A042 -> 5'])));
  const broadcast = encodePacket(writeTextPacket('00', '0', fieldsForLines(['A042 -> 5']), { checksum: false }));

  it('decodes two packets in one chunk and one packet in two chunks', () => {
    const both = decodePackets(Buffer.concat([callTo05, broadcast]));
    expect(both.map((p) => [p.address, p.blocks[0]!.data.toString('latin1'), p.blocks[0]!.checksum, p.blocks[0]!.valid])).toEqual([
      ['05', 'A\x1b bA042 -> 5', true, true],
      ['00', '0\x1b bA042 -> 5', false, true],
    ]);
    const parser = new AlphaPacketParser();
    expect(parser.feed(callTo05.subarray(0, 20), 0)).toEqual([]);
    expect(parser.inPacket).toBe(true);
    expect(parser.feed(callTo05.subarray(20), 0)).toHaveLength(1);
    expect(parser.inPacket).toBe(false);
  });

  it('drops a bad checksum as an invalid block instead of throwing', () => {
    const corrupt = Buffer.from(callTo05);
    corrupt[corrupt.length - 2] = 0x43; // "02DB" → "02DC"
    const [result] = decodePackets(corrupt);
    expect(result!.blocks[0]!.valid).toBe(false);
    const lowercase = Buffer.from(callTo05);
    lowercase[lowercase.length - 3] = 0x64; // 'd': hex either way
    expect(decodePackets(lowercase)[0]!.blocks[0]!.valid).toBe(true);
  });

  it('skips packets to other addresses when given a filter', () => {
    const parser = new AlphaPacketParser({ accept: (a) => addressMatches(a, '07') });
    const to07 = encodePacket(writeTextPacket('07', 'A', fieldsForLines(['hi'])));
    const packets = parser.feed(Buffer.concat([callTo05, to07, broadcast]), 0);
    expect(packets.map((p) => p.address)).toEqual(['07', '00']);
  });

  it('ends a packet after a gap of more than ~1 s, and ignores the rest', () => {
    const parser = new AlphaPacketParser();
    const cut = callTo05.length - 8; // inside the text, before ETX
    expect(parser.feed(callTo05.subarray(0, cut), 1000)).toEqual([]);
    expect(parser.expire(2000)).toEqual([]); // exactly 1 s: not yet
    const [ended] = parser.expire(2001);
    expect(ended).toMatchObject({ address: '05', ended: 'gap', blocks: [{ checksum: false, valid: true }] });
    expect(parser.feed(callTo05.subarray(cut), 2002)).toEqual([]); // no SOH: noise
    // A late byte ends the old packet before it is read.
    parser.feed(callTo05.subarray(0, cut), 5000);
    const late = parser.feed(callTo05.subarray(cut), 6500);
    expect(late.map((p) => p.ended)).toEqual(['gap']);
    // Cut inside the checksum digits: the block is invalid.
    parser.feed(callTo05.subarray(0, callTo05.length - 3), 9000);
    expect(parser.expire(10_500)[0]!.blocks[0]!.valid).toBe(false);
  });

  it('treats what is not a packet as noise', () => {
    expect(decodePackets(hex('01 5A 30 35 41 04'))).toEqual([]); // no STX after the address
    expect(decodePackets(hex('01 5A 3G 35 02 41 04'))).toEqual([]); // bad address character
    expect(decodePackets(hex('01 5A 30 35 02 04'))).toEqual([]); // no block
    expect(decodePackets(hex('01 5A 30 35 02 03 30 30 30 30 04'))).toEqual([]); // ETX with no command
    expect(decodePackets(hex('01 5A 30 35 02 41 03 30 30 34 34 41 04'))).toEqual([]); // junk after checksum
    expect(decodePackets(Buffer.concat([hex('01 5A 30'), callTo05]))).toHaveLength(1); // SOH resynchronises
    const huge = Buffer.concat([hex('01 5A 30 35 02 41'), Buffer.alloc(2000, 0x41), hex('04')]);
    expect(decodePackets(huge, { maxPacketBytes: 1024 })).toEqual([]);
    expect(decodePackets(huge)).toHaveLength(1);
  });

  it('round-trips any packet through the streaming decoder, chunked anyhow, after noise', () => {
    fc.assert(
      fc.property(packet, fc.uint8Array({ maxLength: 40 }), fc.array(fc.nat(), { maxLength: 8 }), fc.integer({ min: 5, max: 9 }), (p, noise, cuts, nuls) => {
        const bytes = Buffer.concat([Buffer.from(noise), encodePacket(p, { nuls })]);
        const packets = feedAll(new AlphaPacketParser(), split(bytes, cuts));
        expect(packets.at(-1)).toEqual(decoded(p));
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on random bytes, chunks and gaps, and yields only well-formed packets', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 2500 })), { maxLength: 20 }), (chunks) => {
        const parser = new AlphaPacketParser();
        let now = 0;
        for (const [chunk, delay] of chunks) {
          now += delay;
          for (const p of [...parser.feed(chunk, now), ...parser.expire(now + delay)]) {
            expect(p.address).toMatch(/^[0-9A-F?]{2}$/);
            expect(p.blocks.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('detects any corruption of a checksummed block', () => {
    const withChecksum = packet.filter((p) => p.blocks.some((b) => b.checksum));
    fc.assert(
      fc.property(withChecksum, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (p, which, where, delta) => {
        const checked = p.blocks.flatMap((b, i) => (b.checksum ? [i] : []));
        const index = checked[which % checked.length]!;
        const head = 5 + 1 + 1 + 2;
        const offset = head + p.blocks.slice(0, index).reduce((sum, b) => sum + encodeBlock(b).length, 0);
        const blockBytes = encodeBlock(p.blocks[index]!);
        // Corrupt the command, a data byte or a checksum digit; never into a framing byte.
        const span = blockBytes.length - 1; // every byte after STX
        let at = 1 + (where % span);
        if (at === blockBytes.length - 5) at = 1; // skip ETX itself
        const bytes = encodePacket(p);
        const original = bytes[offset + at]!;
        let replacement = (original + delta) & 0xff;
        if (at >= blockBytes.length - 4) replacement = original === 0x30 ? 0x31 : 0x30; // a digit for a digit
        else if (replacement >= 0x01 && replacement <= 0x04) replacement = original === 0x05 ? 0x06 : 0x05;
        bytes[offset + at] = replacement;
        const [result] = decodePackets(bytes);
        expect(result!.blocks[index]!.valid).toBe(false);
        p.blocks.forEach((_, i) => i !== index && expect(result!.blocks[i]!.valid).toBe(true));
      }),
      { numRuns: 400 },
    );
  });
});
