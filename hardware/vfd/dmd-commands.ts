import { fitAscii, toPrintableAscii } from '../serial/printable-ascii.ts';
import { DmdError } from './dmd-errors.ts';

/**
 * Epson DM-D customer display command set ("EPSON mode"), 2×20 VFD — pure encoders
 * (docs/protocols/dm-d.md). Point to point, no checksum, no ACK. Text is normalised to
 * printable ASCII: every byte below 20 is a command on this display.
 */
export const DMD_COLUMNS = 20;
export const DMD_ROWS = 2;

export const BS = 0x08;
export const HT = 0x09;
export const LF = 0x0a;
export const HOM = 0x0b;
export const CLR = 0x0c;
export const CR = 0x0d;
export const CAN = 0x18;
export const ESC = 0x1b;
export const US = 0x1f;

/** `ESC = n` targets (§3): 1 printer, 2 display, 3 both. */
export const ROUTES = { printer: 1, display: 2, both: 3 } as const;
export type DmdRoute = keyof typeof ROUTES;

/** `US MD1/2/3` (§2). */
export const MODES = { overwrite: 1, verticalScroll: 2, horizontalScroll: 3 } as const;
export type DmdMode = keyof typeof MODES;

function byteArgument(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new DmdError('value_invalid', `${what} must be an integer ${min}–${max}, got ${value}`);
  return value;
}

/** `ESC @` (1B 40): initialise — clear, cursor home, settings back to their defaults. */
export const initialise = (): Buffer => Buffer.from([ESC, 0x40]);
/** `CLR` (0C): clear the display, cursor home. */
export const clear = (): Buffer => Buffer.from([CLR]);
/** `CAN` (18): clear the cursor's line, cursor to its left end. */
export const clearLine = (): Buffer => Buffer.from([CAN]);
/** `HOM` (0B): cursor to column 1, row 1. */
export const home = (): Buffer => Buffer.from([HOM]);

/** `US $ x y` (1F 24 x y): cursor to column 1–20, row 1–2. */
export function cursorTo(column: number, row: number): Buffer {
  if (!Number.isInteger(column) || column < 1 || column > DMD_COLUMNS || !Number.isInteger(row) || row < 1 || row > DMD_ROWS) {
    throw new DmdError('position_invalid', `cursor position must be column 1–${DMD_COLUMNS}, row 1–${DMD_ROWS}; got (${column}, ${row})`);
  }
  return Buffer.from([US, 0x24, column, row]);
}

/** Characters at the cursor, normalised to printable ASCII (no command can slip in). */
export const text = (value: string): Buffer => Buffer.from(toPrintableAscii(value), 'latin1');

/**
 * Line 1 or 2 from its left end: `US $ 1 row` + the text cut to 20 characters and, with
 * `pad` (default), filled with spaces to 20 so what was there before is overwritten.
 */
export function writeLine(row: 1 | 2, value: string, options: { pad?: boolean } = {}): Buffer {
  const body = options.pad === false ? toPrintableAscii(value).slice(0, DMD_COLUMNS) : fitAscii(value, DMD_COLUMNS);
  return Buffer.concat([cursorTo(1, row), Buffer.from(body, 'latin1')]);
}

/** `US X n` (1F 58 n): brightness 1 (dimmest) – 4. */
export const brightness = (level: number): Buffer => Buffer.from([US, 0x58, byteArgument(level, 1, 4, 'brightness')]);

/** `US E n` (1F 45 n): blink every n×50 ms; 0 = steady, 255 = display off. */
export const blink = (n: number): Buffer => Buffer.from([US, 0x45, byteArgument(n, 0, 255, 'blink interval')]);

/** `US C n` (1F 43 n): cursor off / on. */
export const showCursor = (on: boolean): Buffer => Buffer.from([US, 0x43, on ? 1 : 0]);

/** `US r n` (1F 72 n): reverse characters off / on. */
export const reverse = (on: boolean): Buffer => Buffer.from([US, 0x72, on ? 1 : 0]);

/** `US MD1/2/3` (1F 01/02/03): overwrite, vertical scroll, horizontal scroll. */
export const mode = (value: DmdMode): Buffer => Buffer.from([US, MODES[value]]);

/** `ESC = n` (1B 3D n): where following data goes when the display sits in front of a printer. */
export const route = (target: DmdRoute): Buffer => Buffer.from([ESC, 0x3d, ROUTES[target]]);

/**
 * A whole screen as in the §4 example: `ESC @`, `CLR`, line 1 at (1,1), line 2 at (1,2),
 * each cut to 20 characters (`pad: true` fills them to 20 too). `passThrough` prefixes
 * `ESC = 2` for a display in front of a printer.
 */
export function screen(line1: string, line2: string, options: { passThrough?: boolean; pad?: boolean } = {}): Buffer {
  const pad = options.pad ?? false;
  return Buffer.concat([
    options.passThrough ? route('display') : Buffer.alloc(0),
    initialise(),
    clear(),
    writeLine(1, line1, { pad }),
    writeLine(2, line2, { pad }),
  ]);
}
