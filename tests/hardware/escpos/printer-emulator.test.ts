import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTicketBytes } from '../../../hardware/escpos/ticket-bytes.ts';
import type { PaperItem } from '../../../hardware/escpos/print-model.ts';
import { PrinterEmulator } from '../../../hardware/escpos/printer-emulator.ts';
import { GOLDEN_TICKET, hex, ticketFor, toHex } from './escpos-test-kit.ts';

/** An emulator with everything it transmits collected. */
function printer(options?: ConstructorParameters<typeof PrinterEmulator>[0]) {
  const emulator = new PrinterEmulator(options);
  const sent: number[] = [];
  emulator.on('transmit', (bytes) => sent.push(...bytes));
  const take = (): string => toHex(sent.splice(0));
  const send = (text: string): string => {
    emulator.receive(Uint8Array.from(hex(text)));
    return take();
  };
  return { emulator, send, take };
}

describe('PrinterEmulator in-process (docs/protocols/escpos.md §8)', () => {
  it('answers DLE EOT 1/2/3/4 at once: healthy 12, out of paper 1A 32 12 7E', () => {
    const { emulator, send } = printer();
    expect(send('10 04 01 10 04 02 10 04 03 10 04 04')).toBe('12 12 12 12');
    emulator.setPaper('end');
    expect(send('10 04 01 10 04 02 10 04 03 10 04 04')).toBe('1a 32 12 7e');
    emulator.setPaper('nearEnd');
    expect(send('10 04 01 10 04 04')).toBe('12 1e');
    emulator.setPaper('ok');
    emulator.setCoverOpen(true);
    expect(send('10 04 01 10 04 02 10 04 04')).toBe('1a 16 12');
    emulator.setCoverOpen(false);
    emulator.setOnline(false);
    expect(send('10 04 01 10 04 02')).toBe('1a 12');
    emulator.setOnline(true);
    emulator.setCutterError(true);
    expect(send('10 04 01 10 04 02 10 04 03')).toBe('1a 52 1a');
  });

  it('answers DLE EOT inside other commands’ data and split across reads', () => {
    const { send } = printer();
    // 10 04 01 inside a QR store command: answered, and still QR data to the parser.
    expect(send('1d 28 6b 06 00 31 50 30 10 04 01')).toBe('12');
    expect(send('10')).toBe('');
    expect(send('04')).toBe('');
    expect(send('04')).toBe('12');
    expect(send('10 04 10 04 02')).toBe('12'); // 10 04 10 is no query; the 10 starts the next one
  });

  it('sends ASB at once on GS a and again on each change of an enabled group; ESC @ disables it', () => {
    const { emulator, send, take } = printer();
    expect(send('1d 61 0e')).toBe('10 00 00 00');
    emulator.setPaper('nearEnd');
    expect(take()).toBe('10 00 03 00');
    emulator.setCoverOpen(true);
    expect(take()).toBe('38 00 03 00');
    emulator.setCoverOpen(false);
    emulator.setPaper('end');
    expect(take()).toBe('10 00 03 00 18 00 0f 00');
    emulator.setPaper('ok');
    expect(take()).toBe('10 00 00 00');
    expect(send('1d 61 08')).toBe('10 00 00 00'); // paper only
    emulator.setOnline(false);
    expect(take()).toBe('');
    emulator.setOnline(true);
    expect(send('1b 40')).toBe('');
    emulator.setPaper('nearEnd');
    expect(take()).toBe('');
  });

  it('answers GS r 1 only in order and online; paper end holds the rest of a job until paper is loaded', () => {
    const { emulator, send, take } = printer();
    const job = buildTicketBytes(GOLDEN_TICKET);
    emulator.setPaperLinesLeft(4); // runs out mid-ticket
    emulator.receive(job);
    expect(take()).toBe(''); // no barrier reply
    expect(emulator.paper).toBe('end');
    expect(emulator.tickets).toHaveLength(0);
    expect(emulator.buffered).toBeGreaterThan(0);
    expect(send('10 04 01 10 04 02 10 04 04')).toBe('1a 32 7e'); // real-time still answers
    emulator.setCoverOpen(true);
    emulator.setPaper('ok');
    expect(take()).toBe('');
    expect(emulator.tickets).toHaveLength(0); // cover still open
    emulator.setCoverOpen(false);
    expect(take()).toBe('00'); // the held job finished: its GS r 1 reply
    expect(emulator.tickets).toHaveLength(1);
    expect(emulator.tickets[0]!.qrCodes).toEqual([GOLDEN_TICKET.ticketId]);
  });

  it('GS r 1 reports near end (03) in order after the job', () => {
    const { emulator, send } = printer();
    emulator.setPaper('nearEnd');
    expect(send('"x" 0a 1d 72 01')).toBe('03');
  });

  it('turns a job into a ticket model and a plain-text rendering', () => {
    const { emulator } = printer();
    const tickets: unknown[] = [];
    emulator.on('ticket', (ticket) => tickets.push(ticket));
    emulator.receive(buildTicketBytes(ticketFor(7)));
    expect(tickets).toHaveLength(1);
    const text = emulator.tickets[0]!.text;
    expect(text).toContain('Huduma Centre GPO');
    expect(text).toContain(`\n${' '.repeat(16)}A007\n`); // 4 characters 4× wide, centred in 48 columns
    expect(text).toContain('[QR 20261205-A007]');
    expect(text.split('\n').at(-1)).toBe('-'.repeat(48));
  });

  it('sends XOFF when its buffer fills while offline and XON once it drains', () => {
    const { emulator, take } = printer({ bufferSize: 1024 });
    emulator.setOnline(false);
    emulator.receive(new Uint8Array(700).fill(0x41));
    expect(take()).toBe('');
    emulator.receive(new Uint8Array(100).fill(0x41));
    expect(take()).toBe('13');
    emulator.receive(new Uint8Array(400).fill(0x41)); // overflow is lost
    expect(emulator.lost).toBe(176);
    emulator.setOnline(true);
    expect(take()).toBe('11');
  });

  it('recovers from a cutter error with DLE ENQ 1 (and ENQ 2 drops the buffer)', () => {
    const { emulator, send } = printer();
    emulator.setCutterError(true);
    expect(send('"held" 0a 1d 72 01')).toBe('');
    expect(send('10 05 01')).toBe('00'); // recovered: the held barrier runs
    emulator.setCutterError(true);
    expect(send('"dropped" 0a 1d 72 01 10 05 02')).toBe('');
    expect(send('1d 72 01')).toBe('00');
    expect(emulator.model.uncut.some((item) => item.type === 'line' && item.text === 'dropped')).toBe(false);
  });

  it('property: fuzzed bytes never throw, and DLE EOT n in them is always answered', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom(1, 2, 3, 4), (garbage, n) => {
        const { emulator, take } = printer();
        emulator.receive(garbage);
        take();
        emulator.receive(Uint8Array.from([0x10, 0x04, n]));
        // The reply goes out first, ahead of whatever the query bytes complete in the
        // parser (they may finish a GS a from the garbage, which then sends ASB).
        const [reply] = take().split(' ');
        expect(reply).toBe(toHex([emulator.eotReply(n)!]));
      }),
      { numRuns: 1000 },
    );
  });

  it('property: random ticket content encoded as ESC/POS round-trips into the model', () => {
    const ascii = (max: number) => fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: max });
    const line = fc
      .record({ align: fc.constantFrom('left' as const, 'center' as const, 'right' as const), bold: fc.boolean(), width: fc.integer({ min: 1, max: 4 }), height: fc.integer({ min: 1, max: 4 }) })
      .chain((attrs) => ascii(Math.floor(48 / attrs.width)).map((text): PaperItem => ({ type: 'line', text, underline: false, ...attrs })));
    const qr = ascii(80).map((data): PaperItem => ({ type: 'qr', data, model: 2, moduleSize: 6, errorLevel: 'M' }));
    // CODE128 code-set B data; `{` starts a code-set selector, so it is not in the text.
    const barcode = ascii(30).filter((text) => !text.includes('{')).map((text): PaperItem => ({ type: 'barcode', system: 73, data: `{B${text}`, text }));
    const encode = (item: PaperItem): number[] => {
      switch (item.type) {
        case 'line': {
          const align = { left: 0, center: 1, right: 2 }[item.align];
          return [0x1b, 0x61, align, 0x1b, 0x45, item.bold ? 1 : 0, 0x1d, 0x21, ((item.width - 1) << 4) | (item.height - 1), ...Buffer.from(item.text), 0x0a];
        }
        case 'qr': {
          const k = item.data.length + 3;
          return [
            ...hex('1d 28 6b 04 00 31 41 32 00 1d 28 6b 03 00 31 43 06 1d 28 6b 03 00 31 45 31'),
            ...[0x1d, 0x28, 0x6b, k & 0xff, k >> 8, 0x31, 0x50, 0x30, ...Buffer.from(item.data)],
            ...hex('1d 28 6b 03 00 31 51 30'),
          ];
        }
        case 'barcode':
          return [0x1d, 0x6b, 0x49, item.data.length, ...Buffer.from(item.data)];
        default:
          return [];
      }
    };
    fc.assert(
      fc.property(fc.array(fc.oneof(line, line, qr, barcode), { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), (items, cuts) => {
        const { emulator, take } = printer();
        const bytes = [0x1b, 0x40, ...items.flatMap(encode), 0x1d, 0x56, 0x42, 0x00, 0x1d, 0x72, 0x01];
        const points = [...new Set(cuts.map((cut) => cut % bytes.length))].sort((a, b) => a - b);
        let start = 0;
        for (const point of [...points, bytes.length]) {
          emulator.receive(Uint8Array.from(bytes.slice(start, point)));
          start = point;
        }
        expect(take()).toBe('00');
        expect(emulator.tickets).toHaveLength(1);
        expect(emulator.tickets[0]!.items).toEqual([...items, { type: 'cut', mode: 'partial' }]);
      }),
      { numRuns: 200 },
    );
  });
});
