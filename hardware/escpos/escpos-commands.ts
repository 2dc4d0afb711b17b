import { DLE, ESC, ESC_PARAMS, ESC_VARIABLE, FS, FS_PARAMS, FS_VARIABLE, GS, GS_PARAMS, GS_VARIABLE } from './command-lengths.ts';

/**
 * The commands the parser hands the print model: one complete, framed command each
 * (docs/protocols/escpos.md §1 for what a ticket uses, §9 for the rest it frames).
 */
export type EscposCommand =
  /** A run of printable bytes (0x20–0x7E, 0x80–0xFF), as latin1 text (the print model applies `ESC t`). */
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
  /** `GS V m [n]`: m 0/48 full, 1/49 partial; 65 feed+full, 66 feed+partial (with n). `ESC i` / `ESC m`: partial (`via`). */
  | { type: 'cut'; m: number; feed?: number; via?: 'ESC i' | 'ESC m' }
  /** `GS k m …`: system m, data bytes (latin1). */
  | { type: 'barcode'; m: number; data: string }
  /** `GS ( k pL pH cn fn …`: 2D symbol function (cn 0x31 = QR). */
  | { type: 'symbol'; cn: number; fn: number; params: number[] }
  /** `GS v 0 m xL xH yL yH d…`: raster image, `width` bytes × `height` dots. */
  | { type: 'raster'; m: number; width: number; height: number }
  /** `ESC * m nL nH d…`: a column image of `width` dots in the line buffer (8 or 24 dots high). */
  | { type: 'columnImage'; m: number; width: number }
  /**
   * `GS ( L` / `GS 8 L` graphics, function `fn`: 0x70/0x71 store an image of `width` ×
   * `height` dots in the print buffer, 0x32 prints it; other functions carry 0 × 0.
   */
  | { type: 'graphics'; fn: number; width: number; height: number }
  /** `DLE EOT n` / `DLE ENQ n` at a command boundary (the real-time scanner already acted). */
  | { type: 'realtime'; fn: 'eot' | 'enq'; n: number }
  /** Any other command of a known shape (`ESC 2`, `ESC 3 n`, `GS b n`, `ESC D … NUL`, …), skipped by its length. */
  | { type: 'other'; bytes: number[] }
  /** A byte or command this parser does not know; it resynchronises on the next byte. */
  | { type: 'unknown'; bytes: number[] };

const latin1 = (bytes: number[]): string => Buffer.from(bytes).toString('latin1');
const word = (bytes: readonly number[], at: number): number => (bytes[at] ?? 0) + 256 * (bytes[at + 1] ?? 0);

/** The ESC, GS and FS codes that are known, with fixed or variable length (§9). */
const known = (first: number, second: number): boolean => {
  if (first === ESC) return second in ESC_PARAMS || ESC_VARIABLE.has(second);
  if (first === GS) return second in GS_PARAMS || GS_VARIABLE.has(second);
  if (first === FS) return second in FS_PARAMS || FS_VARIABLE.has(second);
  return first === DLE && second === 0x14;
};

/** `GS ( L pL pH m fn …` (header 5) or `GS 8 L p1 p2 p3 p4 m fn …` (header 7). */
function graphics(bytes: number[], header: number): EscposCommand {
  const fn = bytes[header + 1] ?? 0;
  // store: m fn a bx by c xL xH yL yH d…
  if (fn === 0x70 || fn === 0x71) return { type: 'graphics', fn, width: word(bytes, header + 6), height: word(bytes, header + 8) };
  return { type: 'graphics', fn, width: 0, height: 0 };
}

function decodeEsc(bytes: number[], second: number, n: number): EscposCommand {
  switch (second) {
    case 0x40: return { type: 'init' };
    case 0x21: return { type: 'printMode', n };
    case 0x61: return { type: 'align', n };
    case 0x45: return { type: 'bold', n };
    case 0x2d: return { type: 'underline', n };
    case 0x64: return { type: 'feedLines', n };
    case 0x74: return { type: 'codeTable', n };
    case 0x69: return { type: 'cut', m: 1, via: 'ESC i' };
    case 0x6d: return { type: 'cut', m: 1, via: 'ESC m' };
    case 0x2a: return { type: 'columnImage', m: n, width: word(bytes, 3) };
    case 0x28: return { type: 'other', bytes: bytes.slice(0, 5) };
  }
  return known(ESC, second) ? { type: 'other', bytes } : { type: 'unknown', bytes };
}

function decodeGs(bytes: number[], second: number, n: number): EscposCommand {
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
      if (n === 0x4c) return graphics(bytes, 5);
      return { type: 'other', bytes: bytes.slice(0, 5) };
    case 0x38:
      if (n === 0x4c) return graphics(bytes, 7);
      return { type: 'other', bytes: bytes.slice(0, 7) };
    case 0x76: return { type: 'raster', m: bytes[3]!, width: word(bytes, 4), height: word(bytes, 6) };
  }
  return known(GS, second) ? { type: 'other', bytes } : { type: 'unknown', bytes };
}

/** The command a complete frame of bytes (as `commandLength` delimits it) stands for. */
export function decodeCommand(bytes: number[]): EscposCommand {
  const [first, second = 0, n = 0] = bytes;
  if (first === 0x0a) return { type: 'lf' };
  if (first === 0x0d) return { type: 'cr' };
  if (first === ESC) return decodeEsc(bytes, second, n);
  if (first === GS) return decodeGs(bytes, second, n);
  if (first === DLE && (second === 0x04 || second === 0x05)) return { type: 'realtime', fn: second === 0x04 ? 'eot' : 'enq', n };
  if (first === FS && second === 0x28) return { type: 'other', bytes: bytes.slice(0, 5) };
  if (first === FS || first === DLE) return known(first, second) ? { type: 'other', bytes } : { type: 'unknown', bytes };
  return { type: 'unknown', bytes };
}
