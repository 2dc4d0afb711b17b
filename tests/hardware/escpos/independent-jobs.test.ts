import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PaperItem } from '../../../hardware/escpos/print-model.ts';
import { PrinterEmulator } from '../../../hardware/escpos/printer-emulator.ts';

/**
 * What python-escpos 3.1 sends, fed to the emulator (docs/protocols/escpos.md §9; the
 * fixture's origin is in fixtures/README.md). Before the framing table, 176 of the 200
 * random jobs came out right: column images, panel buttons, tab stops and line spacings
 * printed as text and took the next cut with them.
 */
interface Found {
  lines: string[];
  qr: string[];
  barcodes: string[];
  cuts: string[];
}
interface TicketCase {
  name: string;
  hex: string;
  expect: { number?: string; w?: number; h?: number; qr?: string; barcode?: string; cut: 'full' | 'partial'; lines?: string[] };
}
interface Fixture {
  tickets: TicketCase[];
  random: { hex: string; exp: Found & { ops: string[] } }[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/python-escpos-jobs.json', import.meta.url), 'utf8')) as Fixture;

function print(hex: string): { printer: PrinterEmulator; items: PaperItem[]; found: Found } {
  const printer = new PrinterEmulator();
  printer.receive(Buffer.from(hex, 'hex'));
  const items = [...printer.tickets.flatMap((ticket) => ticket.items), ...printer.model.uncut];
  const found = {
    lines: items.flatMap((item) => (item.type === 'line' && item.text.trim() !== '' ? [item.text] : [])),
    qr: items.flatMap((item) => (item.type === 'qr' ? [item.data] : [])),
    barcodes: items.flatMap((item) => (item.type === 'barcode' ? [item.text] : [])),
    cuts: items.flatMap((item) => (item.type === 'cut' ? [item.mode] : [])),
  };
  return { printer, items, found };
}

describe('the printer emulator on python-escpos 3.1 jobs (fixtures/python-escpos-jobs.json)', () => {
  it.each(fixture.tickets.map((ticket) => [ticket.name, ticket] as const))('%s: one ticket, as python-escpos was asked to print it', (_name, { hex, expect: want }) => {
    const { printer, found } = print(hex);
    expect(printer.tickets).toHaveLength(1);
    expect(printer.model.uncut).toEqual([]);
    const [ticket] = printer.tickets;
    expect(ticket!.cut).toBe(want.cut);
    if (want.lines) expect(found.lines).toEqual(want.lines);
    if (want.qr) expect(ticket!.qrCodes).toEqual([want.qr]);
    if (want.barcode) expect(ticket!.barcodes).toEqual([want.barcode]);
    if (want.number) expect(ticket!.lines.find((line) => line.text === want.number)).toMatchObject({ width: want.w, height: want.h });
    // Nothing but text reached the paper as text: no control bytes, no image bytes.
    for (const line of ticket!.lines) expect(line.text).toMatch(/^[\x20-\x7e\u00a0-\uffff]*$/);
  });

  it('frames every image command: GS v 0, ESC * (one per 24-dot slice) and GS ( L each leave an image', () => {
    const raster = print(fixture.tickets.find((t) => t.name === 'image_raster_gs_v_0')!.hex).items.filter((i) => i.type === 'raster');
    expect(raster).toHaveLength(1);
    const columns = print(fixture.tickets.find((t) => t.name === 'image_esc_star')!.hex).items.filter((i) => i.type === 'image');
    expect(columns.length).toBeGreaterThan(0);
    expect(columns.every((i) => i.type === 'image' && i.command === 'ESC *' && i.height === 24)).toBe(true);
    const graphics = print(fixture.tickets.find((t) => t.name === 'image_gs_paren_L')!.hex).items.filter((i) => i.type === 'image');
    expect(graphics).toEqual([{ type: 'image', command: 'GS ( L', width: 64, height: 24 }]);
  });

  it('prints bytes ≥ 0x80 in the code table ESC t selected (PC437, then ISO 8859-7)', () => {
    expect(print(fixture.tickets.find((t) => t.name === 'codepage_magic')!.hex).found.lines).toEqual(['Café üß €5']);
  });

  it('skips ESC D tab stops to their NUL, and ESC c 5 / ESC p / ESC B by their lengths', () => {
    expect(print(fixture.tickets.find((t) => t.name === 'control_chars')!.hex).found.lines).toEqual(['tab', 'end']);
    expect(print(fixture.tickets.find((t) => t.name === 'misc_buzzer_drawer_panel')!.hex).found.lines).toEqual(['after misc']);
  });

  it('finds every line, QR code, barcode and cut of the 200 random jobs', () => {
    const wrong = fixture.random.flatMap(({ hex, exp }, index) => {
      const { found, printer } = print(hex);
      const want: Found = { lines: exp.lines, qr: exp.qr, barcodes: exp.barcodes, cuts: exp.cuts };
      const ok = JSON.stringify(found) === JSON.stringify(want) && printer.model.uncut.length === 0;
      return ok ? [] : [{ index, ops: exp.ops, want, found }];
    });
    expect(wrong).toEqual([]);
    expect(fixture.random).toHaveLength(200);
  });
});
