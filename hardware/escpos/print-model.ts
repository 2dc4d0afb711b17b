import { decodeCodePage } from './code-pages.ts';
import type { EscposCommand } from './escpos-parser.ts';
import { renderText } from './print-render.ts';

export { renderText } from './print-render.ts';

export type Align = 'left' | 'center' | 'right';

/** A printed line with the attributes of its first character (docs/protocols/escpos.md §1: ESC a/E/!, GS !). */
export interface PrintedLine {
  text: string;
  align: Align;
  bold: boolean;
  underline: boolean;
  /** Character magnification, 1..8. */
  width: number;
  height: number;
}

export type PaperItem =
  | ({ type: 'line' } & PrintedLine)
  | { type: 'qr'; data: string; model: number; moduleSize: number; errorLevel: 'L' | 'M' | 'Q' | 'H' }
  /** `data` as sent; `text` without CODE128 code-set selectors (`{A` `{B` `{C`). */
  | { type: 'barcode'; system: number; data: string; text: string }
  /** `GS v 0`: `width` in bytes (8 dots each), `height` in dots. */
  | { type: 'raster'; width: number; height: number }
  /** `ESC *` column image or `GS ( L` / `GS 8 L` graphics printed, in dots (docs/protocols/escpos.md §9). */
  | { type: 'image'; command: 'ESC *' | 'GS ( L'; width: number; height: number }
  | { type: 'cut'; mode: 'full' | 'partial' };

/** What came out between two cuts. */
export interface PrintedTicket {
  items: PaperItem[];
  lines: PrintedLine[];
  qrCodes: string[];
  barcodes: string[];
  cut: 'full' | 'partial';
  /** Plain-text rendering (`renderText`). */
  text: string;
}

const ALIGNS: Record<number, Align> = { 0: 'left', 48: 'left', 1: 'center', 49: 'center', 2: 'right', 50: 'right' };
const FULL_CUTS = new Set([0, 48, 65, 97, 103]);
const PARTIAL_CUTS = new Set([1, 49, 66, 98, 104]);
const ERROR_LEVELS = { 0x30: 'L', 0x31: 'M', 0x32: 'Q', 0x33: 'H' } as const;
/** Tickets kept; older ones are dropped so a long demo stays bounded. */
const TICKETS_KEPT = 200;

/**
 * The emulated print mechanism: executes parsed commands (§1) into paper items —
 * lines with attributes, QR payloads, barcodes, cuts — and groups them into tickets at
 * each cut. Status commands (`GS a`, `GS r`) and real-time ones belong to the emulator.
 */
export class PrintModel {
  readonly columns: number;
  #align: Align = 'left';
  #bold = false;
  #underline = false;
  #width = 1;
  #height = 1;
  #codeTable = 0;
  #pending: PrintedLine | undefined;
  /** An `ESC *` image is in the line buffer: the LF that prints it feeds no blank line. */
  #imageInLine = false;
  /** `GS ( L` fn 112/113: graphics stored in the print buffer, printed by fn 50. */
  #graphics: { width: number; height: number } | undefined;
  #qr = { model: 0x32, moduleSize: 3, errorLevel: 'L' as 'L' | 'M' | 'Q' | 'H', data: undefined as string | undefined };
  #current: PaperItem[] = [];
  readonly #tickets: PrintedTicket[] = [];
  #ignored = 0;
  #codeTableChanges = 0;
  #finished = 0;

  constructor(columns = 48) {
    this.columns = columns;
  }

  /** Completed tickets, oldest first (the last 200). */
  get tickets(): readonly PrintedTicket[] {
    return this.#tickets;
  }

  /** Items printed since the last cut. */
  get uncut(): readonly PaperItem[] {
    return this.#current;
  }

  /** Commands ignored: unknown ones, `GS V`/`ESC a` not at the start of a line. */
  get ignored(): number {
    return this.#ignored;
  }

  /** `ESC t` commands whose table differed from the one in force. */
  get codeTableChanges(): number {
    return this.#codeTableChanges;
  }

  /** Executes one command: the lines of paper it used, and the ticket a cut finished. */
  execute(command: EscposCommand): { lines: number; ticket?: PrintedTicket } {
    const before = this.#finished;
    const lines = this.#execute(command);
    return this.#finished === before ? { lines } : { lines, ticket: this.#tickets.at(-1)! };
  }

  #execute(command: EscposCommand): number {
    switch (command.type) {
      case 'text':
        return this.#text(decodeCodePage(command.text, this.#codeTable)); // §9: ESC t decides 0x80–0xFF
      case 'lf':
        return this.#endLine(true);
      case 'init':
        this.#pending = undefined; // ESC @ clears the print buffer and restores modes
        this.#graphics = undefined;
        this.#imageInLine = false;
        this.#align = 'left';
        this.#bold = this.#underline = false;
        this.#width = this.#height = 1;
        this.#codeTable = 0;
        return 0;
      case 'printMode':
        this.#bold = (command.n & 0x08) !== 0;
        this.#height = command.n & 0x10 ? 2 : 1;
        this.#width = command.n & 0x20 ? 2 : 1;
        this.#underline = (command.n & 0x80) !== 0;
        return 0;
      case 'charSize': {
        const width = (command.n >> 4) + 1;
        const height = (command.n & 0x0f) + 1;
        if (width > 8 || height > 8) return this.#ignore();
        this.#width = width;
        this.#height = height;
        return 0;
      }
      case 'align': {
        const align = ALIGNS[command.n];
        if (!align || this.#pending) return this.#ignore(); // only at the start of a line
        this.#align = align;
        return 0;
      }
      case 'bold':
        this.#bold = (command.n & 1) === 1;
        return 0;
      case 'underline':
        this.#underline = (command.n & 0x03) !== 0 && command.n !== 0x30;
        return 0;
      case 'codeTable':
        if (command.n !== this.#codeTable) this.#codeTableChanges++;
        this.#codeTable = command.n;
        return 0;
      case 'feedLines': {
        const used = this.#endLine(false);
        for (let i = 0; i < command.n; i++) this.#emitLine(this.#blank());
        return used + command.n;
      }
      case 'symbol':
        return this.#symbol(command.cn, command.fn, command.params);
      case 'barcode':
        return this.#place({ type: 'barcode', system: command.m, data: command.data, text: command.data.replace(/\{[ABC]/g, '') });
      case 'raster':
        return this.#place({ type: 'raster', width: command.width, height: command.height });
      case 'columnImage': {
        const used = this.#place({ type: 'image', command: 'ESC *', width: command.width, height: command.m & 0x20 ? 24 : 8 });
        this.#imageInLine = true;
        return used;
      }
      case 'graphics':
        return this.#graphicsFunction(command.fn, command.width, command.height);
      case 'cut': {
        const mode = FULL_CUTS.has(command.m) ? 'full' : PARTIAL_CUTS.has(command.m) ? 'partial' : undefined;
        if (!mode || this.#pending) return this.#ignore(); // §1: only at the start of a line
        this.#current.push({ type: 'cut', mode });
        this.#finishTicket(mode);
        return 0;
      }
      case 'unknown':
        return this.#ignore();
      default:
        return 0; // cr, barcode settings, other settings, status and real-time commands
    }
  }

  #ignore(): number {
    this.#ignored++;
    return 0;
  }

  #blank(): PrintedLine {
    return { text: '', align: this.#align, bold: false, underline: false, width: 1, height: 1 };
  }

  #text(text: string): number {
    let used = 0;
    for (const char of text) {
      this.#pending ??= { text: '', align: this.#align, bold: this.#bold, underline: this.#underline, width: this.#width, height: this.#height };
      // A character that does not fit wraps to the next line, as the printer does.
      if ((this.#pending.text.length + 1) * this.#pending.width > this.columns && this.#pending.text.length > 0) {
        used += this.#endLine(true);
        this.#pending = { text: '', align: this.#align, bold: this.#bold, underline: this.#underline, width: this.#width, height: this.#height };
      }
      this.#pending.text += char;
    }
    return used;
  }

  /** Prints the line buffer; an empty buffer feeds one blank line when `feedIfEmpty` (not after an ESC * image). */
  #endLine(feedIfEmpty: boolean): number {
    const line = this.#pending ?? (feedIfEmpty && !this.#imageInLine ? { ...this.#blank(), height: this.#height } : undefined);
    this.#pending = undefined;
    this.#imageInLine = false;
    if (!line) return 0;
    this.#emitLine(line);
    return 1;
  }

  #emitLine(line: PrintedLine): void {
    this.#current.push({ type: 'line', ...line });
  }

  /** A symbol or image goes on a line of its own: what is buffered prints first. */
  #place(item: PaperItem): number {
    const used = this.#endLine(false);
    this.#current.push(item);
    return used + 1;
  }

  /** `GS ( L` fn 112/113 store graphics in the print buffer, fn 50 (or 2) prints them (§9). */
  #graphicsFunction(fn: number, width: number, height: number): number {
    if (fn === 0x70 || fn === 0x71) {
      this.#graphics = { width, height };
      return 0;
    }
    if (fn !== 0x32 && fn !== 0x02) return 0; // NV graphics, densities, capacity queries: not modelled
    const stored = this.#graphics;
    if (!stored) return this.#ignore();
    this.#graphics = undefined;
    return this.#place({ type: 'image', command: 'GS ( L', ...stored });
  }

  /** `GS ( k` with cn = 0x31: QR model (fn 65), module size (67), error level (69), store (80), print (81). */
  #symbol(cn: number, fn: number, params: number[]): number {
    if (cn !== 0x31) return 0;
    switch (fn) {
      case 0x41:
        this.#qr.model = params[0] ?? this.#qr.model;
        return 0;
      case 0x43:
        this.#qr.moduleSize = params[0] ?? this.#qr.moduleSize;
        return 0;
      case 0x45:
        this.#qr.errorLevel = ERROR_LEVELS[params[0] as keyof typeof ERROR_LEVELS] ?? this.#qr.errorLevel;
        return 0;
      case 0x50:
        if (params[0] === 0x30) this.#qr.data = Buffer.from(params.slice(1)).toString('latin1');
        return 0;
      case 0x51: {
        const { data, model, moduleSize, errorLevel } = this.#qr;
        if (data === undefined) return this.#ignore();
        return this.#place({ type: 'qr', data, model: model - 0x30, moduleSize, errorLevel });
      }
    }
    return 0;
  }

  #finishTicket(cut: 'full' | 'partial'): void {
    const items = this.#current;
    this.#current = [];
    const lines = items.flatMap((item) => (item.type === 'line' ? [stripType(item)] : []));
    this.#tickets.push({
      items,
      lines,
      qrCodes: items.flatMap((item) => (item.type === 'qr' ? [item.data] : [])),
      barcodes: items.flatMap((item) => (item.type === 'barcode' ? [item.text] : [])),
      cut,
      text: renderText(items, this.columns),
    });
    this.#finished++;
    if (this.#tickets.length > TICKETS_KEPT) this.#tickets.shift();
  }
}

function stripType(item: Extract<PaperItem, { type: 'line' }>): PrintedLine {
  const { type: _type, ...line } = item;
  return line;
}
