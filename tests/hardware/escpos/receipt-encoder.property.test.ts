import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrinterEmulator } from '../../../hardware/escpos/printer-emulator.ts';

/**
 * The emulator against an encoder someone else wrote: @point-of-sale/receipt-printer-encoder
 * (a dev dependency, pinned) encodes random jobs for an Epson TM-T88V — alignment by
 * padding, `ESC t` switches mid-line for accented letters, `ESC *` or `GS v 0` images,
 * `GS P`, `FS .`, `ESC p` pulses, feeds before each cut. Every cut, every text line and
 * nothing else must come out (docs/protocols/escpos.md §9).
 */
type Op =
  | { op: 'line'; text: string }
  | { op: 'style'; style: 'bold' | 'underline' | 'invert'; on: boolean }
  | { op: 'size'; width: number; height: number }
  | { op: 'align'; align: 'left' | 'center' | 'right' }
  | { op: 'qr'; data: string }
  | { op: 'barcode'; symbology: 'code128' | 'ean13'; data: string }
  | { op: 'image'; width: number; height: number; mode: 'column' | 'raster' }
  | { op: 'rule' }
  | { op: 'pulse' }
  | { op: 'newline' }
  | { op: 'cut'; cut: 'full' | 'partial' };

const WORD_CHARS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.:/-\'éüñßç€'];
const word = fc.array(fc.constantFrom(...WORD_CHARS), { minLength: 1, maxLength: 8 }).map((chars) => chars.join(''));
const ascii = fc.array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-'), { minLength: 1, maxLength: 20 }).map((chars) => chars.join(''));

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.array(word, { minLength: 1, maxLength: 3 }).map((words) => ({ op: 'line' as const, text: words.join(' ') })) },
  fc.record({ op: fc.constant('style' as const), style: fc.constantFrom('bold' as const, 'underline' as const, 'invert' as const), on: fc.boolean() }),
  fc.record({ op: fc.constant('size' as const), width: fc.integer({ min: 1, max: 2 }), height: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('align' as const), align: fc.constantFrom('left' as const, 'center' as const, 'right' as const) }),
  fc.record({ op: fc.constant('qr' as const), data: ascii }),
  fc.record({ op: fc.constant('barcode' as const), symbology: fc.constant('code128' as const), data: ascii }),
  fc.record({ op: fc.constant('barcode' as const), symbology: fc.constant('ean13' as const), data: fc.stringMatching(/^\d{12}$/) }),
  fc.record({ op: fc.constant('image' as const), width: fc.constantFrom(8, 16, 64), height: fc.constantFrom(8, 24, 48), mode: fc.constantFrom('column' as const, 'raster' as const) }),
  fc.constantFrom<Op>({ op: 'rule' }, { op: 'pulse' }, { op: 'newline' }),
  fc.record({ op: fc.constant('cut' as const), cut: fc.constantFrom('full' as const, 'partial' as const) }),
);

/** The job's bytes, and the lines, QR payloads, barcodes and cuts it asks for. */
function encode(ops: Op[]): { bytes: Uint8Array; lines: string[]; qr: string[]; barcodes: string[]; cuts: string[] } {
  const encoder = new ReceiptPrinterEncoder({ language: 'esc-pos', printerModel: 'epson-tm-t88v', columns: 48 });
  encoder.initialize().codepage('auto');
  const want = { lines: [] as string[], qr: [] as string[], barcodes: [] as string[], cuts: [] as string[] };
  let width = 1;
  for (const o of ops) {
    switch (o.op) {
      case 'line': {
        // The encoder word-wraps a line wider than the paper (48 columns at width 1, 24 at
        // width 2): keep each line within it, so one line asked is one line printed.
        const text = o.text.slice(0, Math.floor(48 / width)).trim() || 'A';
        encoder.line(text);
        want.lines.push(text);
        break;
      }
      case 'style': encoder[o.style](o.on); break;
      case 'size': encoder.size(o.width, o.height); width = o.width; break;
      case 'align': encoder.align(o.align); break;
      case 'qr': encoder.qrcode(o.data, { model: 2, size: 4, errorlevel: 'm' }); want.qr.push(o.data); break;
      case 'barcode': encoder.barcode(o.data, o.symbology, { height: 60 }); want.barcodes.push(o.data); break;
      case 'image': {
        const image = { width: o.width, height: o.height, data: new Uint8ClampedArray(o.width * o.height * 4).fill(0x40) };
        encoder.image(image as unknown as Parameters<typeof encoder.image>[0], o.width, o.height, 'threshold', 128);
        break;
      }
      case 'rule': encoder.rule(); want.lines.push('─'.repeat(Math.floor(48 / width))); break;
      case 'pulse': encoder.pulse(); break;
      case 'newline': encoder.newline(); break;
      case 'cut': encoder.cut(o.cut); want.cuts.push(o.cut); break;
    }
  }
  return { bytes: encoder.encode(), ...want };
}

describe('the printer emulator on random jobs from @point-of-sale/receipt-printer-encoder', () => {
  it('property: every cut, every text line, every QR code and barcode found; no command byte printed', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 14 }), fc.array(fc.nat(), { maxLength: 6 }), (ops, splits) => {
        const job = encode(ops);
        const printer = new PrinterEmulator({ bufferSize: 1 << 20 });
        // Bytes arrive in arbitrary chunks, as over a serial line.
        let start = 0;
        for (const point of [...new Set(splits.map((s) => s % (job.bytes.length + 1)))].sort((a, b) => a - b)) {
          printer.receive(job.bytes.subarray(start, point));
          start = point;
        }
        printer.receive(job.bytes.subarray(start));
        const items = [...printer.tickets.flatMap((ticket) => ticket.items), ...printer.model.uncut];
        const lines = items.flatMap((item) => (item.type === 'line' && item.text.trim() !== '' ? [item.text.trim()] : []));
        expect(lines).toEqual(job.lines);
        expect(items.flatMap((item) => (item.type === 'cut' ? [item.mode] : []))).toEqual(job.cuts);
        expect(printer.tickets).toHaveLength(job.cuts.length);
        expect(items.flatMap((item) => (item.type === 'qr' ? [item.data] : []))).toEqual(job.qr);
        expect(items.flatMap((item) => (item.type === 'barcode' ? [item.text] : []))).toEqual(job.barcodes);
        expect(printer.model.ignored).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
