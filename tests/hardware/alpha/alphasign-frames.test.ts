import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AlphaSignEmulator } from '../../../hardware/alpha/alpha-emulator.ts';
import { checksumDigits, checksumOf } from '../../../hardware/alpha/alpha-frame.ts';
import { decodePackets } from '../../../hardware/alpha/alpha-parser.ts';

/**
 * What alphasign 0.9 sends, fed to the sign emulator (docs/protocols/alpha-sign.md §4, §9;
 * the fixture's origin is in fixtures/README.md). Blocks without a checksum, with or
 * without ETX; special mode `n0`; colour and string-call codes inside the text.
 */
interface Fixture {
  cases: { name: string; hex: string }[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/alphasign-frames.json', import.meta.url), 'utf8')) as Fixture;
const frame = (name: string): Buffer => Buffer.from(fixture.cases.find((c) => c.name === name)!.hex, 'hex');

/** The same frame with ETX (and, when asked, the checksum) before EOT: how other senders end a block. */
function withEtx(bytes: Buffer, sum = false): Buffer {
  const stx = bytes.indexOf(0x02);
  const block = Buffer.concat([bytes.subarray(stx, -1), Buffer.from([0x03])]);
  const digits = sum ? Buffer.from(checksumDigits(checksumOf(block)), 'latin1') : Buffer.alloc(0);
  return Buffer.concat([bytes.subarray(0, -1), Buffer.from([0x03]), digits, Buffer.from([0x04])]);
}

const MESSAGE = 'A001 -> Counter 3';

/** What each case must show (file label, then the file as the emulator keeps it). */
const EXPECTED: Record<string, { label: string; file: Record<string, unknown> }> = {
  text_default: { label: 'A', file: { position: 'middle', mode: 'rotate', text: MESSAGE } },
  text_hold: { label: 'A', file: { position: 'middle', mode: 'hold', text: MESSAGE } },
  text_flash_top: { label: 'A', file: { position: 'top', mode: 'flash', text: MESSAGE } },
  text_red_hold: { label: 'A', file: { mode: 'hold', text: MESSAGE, fields: [expect.objectContaining({ colours: ['red'] })] } },
  text_green_rollup_bottom: { label: 'B', file: { position: 'bottom', mode: 'rollUp', text: MESSAGE, fields: [expect.objectContaining({ colours: ['green'] })] } },
  text_twinkle: { label: 'A', file: { position: 'middle', mode: 'twinkle', text: MESSAGE } },
  priority_hold: { label: '0', file: { mode: 'hold', text: MESSAGE } },
  text_hold_addr05: { label: 'A', file: { mode: 'hold', text: MESSAGE } },
  text_hold_typeA_addr05: { label: 'A', file: { mode: 'hold', text: MESSAGE } },
};

const sign = (): AlphaSignEmulator => new AlphaSignEmulator({ address: '05', typeCodes: ['!'] });

describe('the Alpha sign emulator on alphasign 0.9 frames (fixtures/alphasign-frames.json)', () => {
  it('has all 12 cases, and takes every one of them', () => {
    expect(fixture.cases).toHaveLength(12);
    const board = sign();
    for (const { hex } of fixture.cases) board.receive(Buffer.from(hex, 'hex'));
    expect(board.packetsReceived).toBe(12);
    expect(board.checksumErrors).toBe(0);
  });

  for (const ending of ['EOT alone', 'ETX without checksum', 'ETX and checksum'] as const) {
    const framed = (name: string): Buffer => (ending === 'EOT alone' ? frame(name) : withEtx(frame(name), ending === 'ETX and checksum'));

    it.each(Object.entries(EXPECTED))(`${ending}: %s shows its text as written`, (name, { label, file }) => {
      const board = sign();
      board.receive(framed(name));
      expect(board.checksumErrors).toBe(0);
      expect(board.files[label]).toMatchObject(file);
      expect(board.shown()).toMatchObject({ label, text: MESSAGE });
    });

    it(`${ending}: the priority file shows over file A until alphasign clears it`, () => {
      const board = sign();
      board.receive(framed('text_hold'));
      board.receive(framed('priority_hold'));
      expect(board.shown()?.label).toBe('0');
      board.receive(framed('priority_clear'));
      expect(board.shown()).toMatchObject({ label: 'A', text: MESSAGE });
    });

    it(`${ending}: a string call shows the STRING file, and follows it when it changes`, () => {
      const board = sign();
      board.receive(framed('string_1'));
      expect(board.strings).toEqual({ '1': 'A001' });
      board.receive(framed('text_with_string_call'));
      expect(board.shown()).toMatchObject({ label: 'A', text: 'Now: A001', fields: [expect.objectContaining({ stringCalls: ['1'] })] });
      board.receive(Buffer.from('0000000000015a30300247314130303204', 'hex')); // String('A002', label='1')
      expect(board.shown()?.text).toBe('Now: A002');
    });
  }

  it('takes nested blocks with ETX between them and no checksum (string then text in one packet)', () => {
    const nested = Buffer.concat([Buffer.from('0000000000015a3030', 'hex'), Buffer.from('\x02G1A001\x03\x02AA\x1b bNow: \x101\x04', 'latin1')]);
    expect(decodePackets(nested)[0]!.blocks.map((block) => [block.command, block.checksum, block.valid])).toEqual([['G', false, true], ['A', false, true]]);
    const board = sign();
    board.receive(nested);
    expect(board.shown()).toMatchObject({ label: 'A', mode: 'hold', text: 'Now: A001' });
  });

  it('still drops a block whose checksum is wrong or cut short', () => {
    const good = withEtx(frame('text_hold'), true);
    const bad = Buffer.from(good);
    bad[bad.length - 2] = bad[bad.length - 2] === 0x30 ? 0x31 : 0x30;
    const short = Buffer.concat([good.subarray(0, -3), Buffer.from([0x04])]); // two digits only
    const board = sign();
    board.receive(bad);
    board.receive(short);
    expect(board.checksumErrors).toBe(2);
    expect(board.shown()).toBeNull();
  });
});
