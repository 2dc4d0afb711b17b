/**
 * The printer's command parser (the emulator's framing + codec layer): ESC/POS bytes in,
 * commands out, with the exact lengths of docs/protocols/escpos.md §1 — `GS ( k` by
 * pL/pH, `GS k` 65..73 by n (0..6 NUL-terminated), `GS V 65/66` with one extra byte.
 * Incremental (bytes may be split anywhere), never throws, bounded memory.
 */
export type EscposCommand =
  /** A run of printable bytes (0x20–0x7E, 0x80–0xFF), as latin1 text. */
  | { type: 'text'; text: string }
  | { type: 'lf' }
  | { type: 'cr' }
  /** `ESC @` */
  | { type: 'init' }
  /** `ESC ! n`: bit3 bold, bit4 double height, bit5 double width, bit7 underline. */
  | { type: 'printMode'; n: number }
  /** `ESC a n`: 0/48 left, 1/49 centre, 2/50 right. */
  | { type: 'align'; n: number }
  /** `ESC E n`: bit0 = bold. */
  | { type: 'bold'; n: number }
  /** `ESC - n` */
  | { type: 'underline'; n: number }
  /** `ESC d n`: print and feed n lines. */
  | { type: 'feedLines'; n: number }
  /** `ESC t n` */
  | { type: 'codeTable'; n: number }
  /** `GS ! n`: bits 0–3 height − 1, bits 4–7 width − 1. */
  | { type: 'charSize'; n: number }
  /** `GS H n` / `GS f n` / `GS w n` / `GS h n`. */
  | { type: 'barcodeSetting'; setting: 'hriPosition' | 'hriFont' | 'moduleWidth' | 'height'; n: number }
  /** `GS a n` */
  | { type: 'asb'; n: number }
  /** `GS r n` */
  | { type: 'transmitStatus'; n: number }
  /** `GS V m [n]`: m 0/48 full, 1/49 partial; 65 feed+full, 66 feed+partial (with n). */
  | { type: 'cut'; m: number; feed?: number }
  /** `GS k m …`: system m, data bytes (latin1). */
  | { type: 'barcode'; m: number; data: string }
  /** `GS ( k pL pH cn fn …`: 2D symbol function (cn 0x31 = QR). */
  | { type: 'symbol'; cn: number; fn: number; params: number[] }
  /** `GS v 0 m xL xH yL yH d…`: raster image, `width` bytes × `height` dots. */
  | { type: 'raster'; m: number; width: number; height: number }
  /** `DLE EOT n` / `DLE ENQ n` at a command boundary (the real-time scanner already acted). */
  | { type: 'realtime'; fn: 'eot' | 'enq'; n: number }
  /** Any other command of a known fixed shape (`ESC 2`, `ESC 3 n`, `ESC M n`, `GS B n`, …). */
  | { type: 'other'; bytes: number[] }
  /** A byte or command this parser does not know; it resynchronises on the next byte. */
  | { type: 'unknown'; bytes: number[] };

const ESC = 0x1b;
const GS = 0x1d;
const DLE = 0x10;
const FS = 0x1c;
/** Longest body stored (GS ( k data, GS k data); longer ones are counted, not kept. */
const MAX_STORED = 0xffff;
const MAX_NUL_TERMINATED = 255;

/** ESC commands with a fixed count of parameter bytes (§1 and common neighbours). */
const ESC_PARAMS: Record<number, number> = {
  0x40: 0, 0x21: 1, 0x61: 1, 0x45: 1, 0x2d: 1, 0x64: 1, 0x74: 1, 0x4d: 1, 0x32: 0, 0x33: 1,
  0x4a: 1, 0x7b: 1, 0x3d: 1, 0x47: 1, 0x52: 1, 0x42: 2, 0x70: 3,
};
/** GS commands with a fixed count of parameter bytes (GS V, GS k, GS (, GS v handled apart). */
const GS_PARAMS: Record<number, number> = {
  0x21: 1, 0x48: 1, 0x66: 1, 0x77: 1, 0x68: 1, 0x61: 1, 0x72: 1, 0x42: 1, 0x4c: 2, 0x57: 2, 0x49: 1,
};

const isText = (byte: number): boolean => (byte >= 0x20 && byte <= 0x7e) || byte >= 0x80;
const latin1 = (bytes: number[]): string => Buffer.from(bytes).toString('latin1');

/**
 * Total length of the command starting with `prefix` (first byte a control byte), or
 * `undefined` while more bytes are needed to tell; `'nul'` = ends at a NUL (GS k 0..6).
 */
function commandLength(prefix: number[]): number | 'nul' | undefined {
  const [first, second, third] = prefix;
  if (first !== ESC && first !== GS && first !== DLE && first !== FS) return 1;
  if (second === undefined) return undefined;
  if (first === ESC) return 2 + (ESC_PARAMS[second] ?? 0);
  if (first === DLE) return second === 0x04 || second === 0x05 ? 3 : 2;
  if (first === FS) return 2;
  // GS
  if (second === 0x56) return third === undefined ? undefined : third >= 0x41 ? 4 : 3; // GS V m [n]
  if (second === 0x6b) {
    if (third === undefined) return undefined;
    if (third <= 6) return 'nul';
    return prefix.length < 4 ? undefined : 4 + prefix[3]!; // GS k m n d1..dn
  }
  if (second === 0x28) return prefix.length < 5 ? undefined : 5 + prefix[3]! + 256 * prefix[4]!; // GS ( x pL pH
  if (second === 0x76) {
    if (prefix.length < 8) return undefined;
    return 8 + (prefix[4]! + 256 * prefix[5]!) * (prefix[6]! + 256 * prefix[7]!); // GS v 0 m xL xH yL yH
  }
  return 2 + (GS_PARAMS[second] ?? 0);
}

function decode(bytes: number[]): EscposCommand {
  const [first, second = 0, n = 0] = bytes;
  if (first === 0x0a) return { type: 'lf' };
  if (first === 0x0d) return { type: 'cr' };
  if (first === ESC) {
    switch (second) {
      case 0x40: return { type: 'init' };
      case 0x21: return { type: 'printMode', n };
      case 0x61: return { type: 'align', n };
      case 0x45: return { type: 'bold', n };
      case 0x2d: return { type: 'underline', n };
      case 0x64: return { type: 'feedLines', n };
      case 0x74: return { type: 'codeTable', n };
    }
    return second in ESC_PARAMS ? { type: 'other', bytes } : { type: 'unknown', bytes };
  }
  if (first === GS) {
    switch (second) {
      case 0x21: return { type: 'charSize', n };
      case 0x48: return { type: 'barcodeSetting', setting: 'hriPosition', n };
      case 0x66: return { type: 'barcodeSetting', setting: 'hriFont', n };
      case 0x77: return { type: 'barcodeSetting', setting: 'moduleWidth', n };
      case 0x68: return { type: 'barcodeSetting', setting: 'height', n };
      case 0x61: return { type: 'asb', n };
      case 0x72: return { type: 'transmitStatus', n };
      case 0x56: return bytes.length === 4 ? { type: 'cut', m: n, feed: bytes[3]! } : { type: 'cut', m: n };
      case 0x6b: return { type: 'barcode', m: n, data: latin1(n <= 6 ? bytes.slice(3, bytes.at(-1) === 0 ? -1 : undefined) : bytes.slice(4)) };
      case 0x28:
        if (n === 0x6b && bytes.length >= 7) return { type: 'symbol', cn: bytes[5]!, fn: bytes[6]!, params: bytes.slice(7) };
        return { type: 'other', bytes: bytes.slice(0, 5) };
      case 0x76: return { type: 'raster', m: bytes[3]!, width: bytes[4]! + 256 * bytes[5]!, height: bytes[6]! + 256 * bytes[7]! };
    }
    return second in GS_PARAMS ? { type: 'other', bytes } : { type: 'unknown', bytes };
  }
  if (first === DLE && (second === 0x04 || second === 0x05)) return { type: 'realtime', fn: second === 0x04 ? 'eot' : 'enq', n };
  return { type: 'unknown', bytes };
}

export class EscposParser {
  #text: number[] = [];
  #command: number[] | undefined;
  /** Bytes of the current command beyond what is stored (long raster or symbol data). */
  #skipped = 0;
  #total: number | 'nul' | undefined;

  /** Feeds one byte; returns the commands it completed (a text run ends before a command). */
  push(byte: number): EscposCommand[] {
    if (!this.#command) {
      if (isText(byte)) {
        this.#text.push(byte);
        return this.#text.length >= MAX_STORED ? this.flush() : [];
      }
      const out = this.flush();
      this.#command = [byte];
      this.#total = commandLength(this.#command);
      return this.#complete(out);
    }
    if (this.#command.length < MAX_STORED) this.#command.push(byte);
    else this.#skipped++;
    if (this.#total === undefined) this.#total = commandLength(this.#command);
    return this.#complete([]);
  }

  feed(bytes: Uint8Array): EscposCommand[] {
    const out: EscposCommand[] = [];
    for (const byte of bytes) out.push(...this.push(byte));
    return out;
  }

  /** Ends a pending text run (the host stopped sending; a command never ends a run early). */
  flush(): EscposCommand[] {
    if (this.#text.length === 0) return [];
    const text = latin1(this.#text);
    this.#text = [];
    return [{ type: 'text', text }];
  }

  /** Whether the parser is inside a command (bytes now would be its parameters). */
  get midCommand(): boolean {
    return this.#command !== undefined;
  }

  /** Forgets any partial command and text (`ESC @`, or a new line to the host). */
  reset(): void {
    this.#text = [];
    this.#command = undefined;
    this.#skipped = 0;
    this.#total = undefined;
  }

  #complete(out: EscposCommand[]): EscposCommand[] {
    const command = this.#command!;
    const length = command.length + this.#skipped;
    const done =
      this.#total === 'nul'
        ? (command.length > 3 && command[command.length - 1] === 0x00) || length >= 3 + MAX_NUL_TERMINATED
        : this.#total !== undefined && length >= this.#total;
    if (!done) return out;
    this.#command = undefined;
    this.#skipped = 0;
    this.#total = undefined;
    out.push(decode(command));
    return out;
  }
}

/** Parses a complete byte sequence (a trailing text run included). */
export function parseEscpos(bytes: Uint8Array): EscposCommand[] {
  const parser = new EscposParser();
  return [...parser.feed(bytes), ...parser.flush()];
}
