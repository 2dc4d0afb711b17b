import { describe, expect, it } from 'vitest';
import { isAlphaError } from '../../../hardware/alpha/alpha-errors.ts';
import {
  addressMatches,
  checksumDigits,
  checksumOf,
  encodePacket,
  encodePacketSegments,
  isGroupAddress,
  normaliseAddress,
} from '../../../hardware/alpha/alpha-frame.ts';
import { decodeWriteText, fieldsForLines, writeSpecialBlock, writeTextBlock, writeTextPacket } from '../../../hardware/alpha/alpha-text.ts';
import { fitAscii, toPrintableAscii } from '../../../hardware/serial/printable-ascii.ts';
import { hex } from '../board-test-kit.ts';

// docs/protocols/alpha-sign.md §7, the two example packets, byte for byte.
const CALL_TO_SIGN_05 = hex('00 00 00 00 00 01 5A 30 35 02 41 41 1B 20 62 41 30 34 32 20 2D 3E 20 35 03 30 32 44 42 04');
const BROADCAST_PRIORITY = hex('00 00 00 00 00 01 5A 30 30 02 41 30 1B 20 62 41 30 34 32 20 2D 3E 20 35 04');

describe('Alpha frame encoding (§2)', () => {
  it('encodes "A042 -> 5" to sign 05, file A, middle, hold, with checksum 02DB', () => {
    const packet = writeTextPacket('05', 'A', [{ position: 'middle', mode: 'hold', text: 'A042 -> 5' }]);
    expect(encodePacket(packet)).toEqual(CALL_TO_SIGN_05);
    expect(checksumDigits(checksumOf(hex('02 41 41 1B 20 62 41 30 34 32 20 2D 3E 20 35 03')))).toBe('02DB');
  });

  it('encodes the broadcast to the priority file without checksum', () => {
    expect(encodePacket(writeTextPacket(0, '0', fieldsForLines(['A042 -> 5']), { checksum: false }))).toEqual(BROADCAST_PRIORITY);
  });

  it('normalises addresses and matches broadcast and wildcards', () => {
    expect(normaliseAddress(5)).toBe('05');
    expect(normaliseAddress(255)).toBe('FF');
    expect(normaliseAddress('0a')).toBe('0A');
    expect(normaliseAddress('1?')).toBe('1?');
    for (const bad of ['5', '100', 'G1', 256, -1, 1.5]) {
      expect(() => normaliseAddress(bad)).toThrow(expect.objectContaining({ code: 'address_invalid' }));
    }
    expect(addressMatches('00', '05')).toBe(true);
    expect(addressMatches('05', '05')).toBe(true);
    expect(addressMatches('06', '05')).toBe(false);
    expect(addressMatches('0?', '05')).toBe(true);
    expect(addressMatches('?5', '15')).toBe(true);
    expect(addressMatches('1?', '05')).toBe(false);
    expect(isGroupAddress('00')).toBe(true);
    expect(isGroupAddress('?1')).toBe(true);
    expect(isGroupAddress('05')).toBe(false);
  });

  it('lays out one, two and three lines and rejects four', () => {
    expect(fieldsForLines(['a']).map((field) => field.position)).toEqual(['middle']);
    expect(fieldsForLines(['a', 'b']).map((field) => field.position)).toEqual(['top', 'bottom']);
    expect(fieldsForLines(['a', 'b', 'c']).map((field) => field.position)).toEqual(['top', 'middle', 'bottom']);
    expect(fieldsForLines([])).toEqual([]);
    expect(() => fieldsForLines(['a', 'b', 'c', 'd'])).toThrow(expect.objectContaining({ code: 'text_invalid' }));
  });

  it('normalises text to printable ASCII so no control byte reaches the sign', () => {
    const block = writeTextBlock('A', [{ position: 'top', mode: 'flash', text: 'Café “Huduma” → 5\u0002\u0004\tend…' }], { checksum: false });
    expect(block.data.toString('latin1')).toBe('A\x1b"cCafe "Huduma" -> 5?? end...');
    expect(toPrintableAscii('Ñairobi – 日本')).toBe('Nairobi - ??');
    expect(fitAscii('Ticket A042', 5)).toBe('Ticke');
    expect(fitAscii('A', 3)).toBe('A  ');
  });

  it('refuses bad fields and framing bytes inside data', () => {
    expect(() => writeTextBlock('AB', [])).toThrow(expect.objectContaining({ code: 'field_invalid' }));
    expect(() => writeTextBlock('A', [{ position: 'middle', mode: 'z' as never, text: '' }])).toThrow(expect.objectContaining({ code: 'field_invalid' }));
    expect(() => encodePacket({ type: 'Z', address: '01', blocks: [{ command: 'A', data: hex('41 03'), checksum: true }] })).toThrow(
      expect.objectContaining({ code: 'field_invalid' }),
    );
    expect(() => encodePacket({ type: 'Z', address: '01', blocks: [] })).toThrow(expect.objectContaining({ code: 'field_invalid' }));
    try {
      normaliseAddress('x');
    } catch (error) {
      expect(isAlphaError(error, 'address_invalid')).toBe(true);
    }
  });

  it('writes special functions and splits nested packets after each later STX', () => {
    const special = writeSpecialBlock('7', '05');
    expect(special).toEqual({ command: 'E', data: Buffer.from('705'), checksum: true });
    const segments = encodePacketSegments({ type: 'Z', address: '05', blocks: [special, writeTextBlock('A', fieldsForLines(['x']))] });
    expect(segments).toHaveLength(2);
    expect(segments[0]!.at(-1)).toBe(0x02);
    expect(segments[1]![0]).toBe(0x41);
    expect(segments[1]!.at(-1)).toBe(0x04);
    expect(encodePacket({ type: 'Z', address: '05', blocks: [special] }, { nuls: 8 }).subarray(0, 9)).toEqual(hex('00 00 00 00 00 00 00 00 01'));
  });

  it('decodes write-TEXT payloads into mode fields', () => {
    const plain = { colours: [], stringCalls: [] };
    expect(decodeWriteText(Buffer.from('A\x1b"bTicket\x1b&bA042'))).toEqual({
      label: 'A',
      fields: [
        { position: 'top', mode: 'hold', text: 'Ticket', ...plain },
        { position: 'bottom', mode: 'hold', text: 'A042', ...plain },
      ],
    });
    expect(decodeWriteText(Buffer.from('Bplain'))).toEqual({ label: 'B', fields: [{ position: null, mode: null, text: 'plain', ...plain }] });
    expect(decodeWriteText(Buffer.from('A\x1b zX'))).toEqual({ label: 'A', fields: [{ position: 'middle', mode: 'z', text: 'X', ...plain }] });
    expect(decodeWriteText(Buffer.from('0'))).toEqual({ label: '0', fields: [] });
    expect(decodeWriteText(Buffer.alloc(0))).toBeUndefined();
  });

  it('decodes modes by name: n with its second character, o automode, u explode, v clock (docs/protocols/alpha-sign.md §9)', () => {
    const modes = (data: string): (string | null)[] => decodeWriteText(Buffer.from(data, 'latin1'))!.fields.map((field) => field.mode);
    expect(modes('A\x1b n0x\x1b nSy\x1b oz\x1b uw\x1b vv\x1b n?q')).toEqual(['twinkle', 'thankYou', 'automode', 'explode', 'clock', 'n?']);
    expect(decodeWriteText(Buffer.from('A\x1b n0Twinkle', 'latin1'))!.fields[0]!.text).toBe('Twinkle');
    expect(() => writeTextBlock('A', [{ position: 'middle', mode: 'n' as never, text: '' }])).toThrow(expect.objectContaining({ code: 'field_invalid' }));
    expect(writeTextBlock('A', [{ position: 'middle', mode: 'automode', text: 'x' }], { checksum: false }).data.toString('latin1')).toBe('A\x1b ox');
  });

  it('interprets in-text codes instead of showing them: colours, string calls, speeds, fonts, new lines (§9)', () => {
    const field = (data: string, strings: Record<string, string> = {}) =>
      decodeWriteText(Buffer.from(`A\x1b b${data}`, 'latin1'), (label) => (label in strings ? Buffer.from(strings[label]!, 'latin1') : undefined))!.fields[0]!;
    expect(field('\x1c1Red \x1cZ00FF00Green \x1cYFF0000shadowed')).toMatchObject({ text: 'Red Green shadowed', colours: ['red', '#00FF00'] });
    expect(field('Now: \x101!', { '1': '\x1c2A001' })).toMatchObject({ text: 'Now: A001!', colours: ['green'], stringCalls: ['1'] });
    expect(field('Now: \x109', {})).toMatchObject({ text: 'Now: ', stringCalls: ['9'] });
    expect(field('\x15slow\x19fast\x1a3font\x1e1fixed\x071flash\x070\x1d01wide\x09\x11\x12')).toMatchObject({ text: 'slowfastfontfixedflashwide' });
    expect(field('one\x0dtwo\x0cthree \x08\x6c \x13 \x0b1 \x14P')).toMatchObject({ text: 'one\ntwo\nthree ♥ [time] [date] [picture P]' });
  });
});
