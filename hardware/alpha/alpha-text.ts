import { AlphaError } from './alpha-errors.ts';
import { ALL_SIGN_TYPES, ESC, normaliseAddress, oneCharacter, type AlphaBlock, type AlphaPacket } from './alpha-frame.ts';
import { renderText, SPECIAL_MODES } from './alpha-text-codes.ts';
import { toPrintableAscii } from '../serial/printable-ascii.ts';

/**
 * Alpha command payloads (docs/protocols/alpha-sign.md §5): write TEXT
 * `STX 'A' <FileLabel> ESC <Position> <Mode> <text>` and write SPECIAL `STX 'E' <label> …`.
 */
export const WRITE_TEXT = 'A';
export const WRITE_SPECIAL = 'E';
/** Write STRING: `STX 'G' <label> <data>`; a text shows it where it calls `10 <label>` (§9). */
export const WRITE_STRING = 'G';
/** The usual default file (§5). */
export const DEFAULT_FILE = 'A';
/** The priority file: shown over every other file while it holds text; writing it empty clears it (§5). */
export const PRIORITY_FILE = '0';

/** §5 display positions, by the names the protocol gives them. */
export const POSITIONS = { middle: ' ', top: '"', bottom: '&', fill: '0', left: '1', right: '2' } as const;
export type AlphaPositionName = keyof typeof POSITIONS;

/**
 * §5/§9 modes by name (alphasign's names). `n` (special) takes a second character
 * (`SPECIAL_MODES`), so it is decoded, not written; `u` and `v` are Alpha 3.0.
 */
export const MODES = {
  rotate: 'a', hold: 'b', flash: 'c', rollUp: 'e', rollDown: 'f', rollLeft: 'g', rollRight: 'h', wipeUp: 'i', wipeDown: 'j',
  wipeLeft: 'k', wipeRight: 'l', scroll: 'm', automode: 'o', rollIn: 'p', rollOut: 'q', wipeIn: 'r', wipeOut: 's',
  compressedRotate: 't', explode: 'u', clock: 'v',
} as const;
export type AlphaModeName = keyof typeof MODES;
/** Rolls and wipes may also be given by their code letter. */
export type AlphaRollWipeCode = 'e' | 'f' | 'g' | 'h' | 'i' | 'j' | 'k' | 'l' | 'm' | 'p' | 'q' | 'r' | 's';
export type AlphaMode = AlphaModeName | AlphaRollWipeCode;

/** One mode field of a text file: `ESC <position> <mode> <text>`. */
export interface AlphaTextField {
  position: AlphaPositionName;
  mode: AlphaMode;
  /** Normalised to printable ASCII when encoded (control bytes are commands on the sign). */
  text: string;
}

/** A mode field as decoded: names where §5/§9 give one, else the raw code character(s). */
export interface DecodedTextField {
  /** `null` when the text came without a leading `ESC <position> <mode>`. */
  position: string | null;
  /** `twinkle`, `thankYou`, … for the special mode `n` and its second character. */
  mode: string | null;
  /** As the sign shows it: in-text codes interpreted, string calls filled in (§9). */
  text: string;
  /** Colours the text selects (`red`, `#RRGGBB`, …). */
  colours: string[];
  /** STRING files the text calls, by label. */
  stringCalls: string[];
}

const POSITION_NAMES = new Map<string, string>(Object.entries(POSITIONS).map(([name, code]) => [code, name]));
const MODE_NAMES = new Map<string, string>(Object.entries(MODES).map(([name, code]) => [code, name]));

function modeCode(mode: AlphaMode): string {
  if (mode in MODES) return MODES[mode as AlphaModeName];
  if (/^[e-mp-s]$/.test(mode)) return mode;
  throw new AlphaError('field_invalid', `not an Alpha display mode: ${JSON.stringify(mode)}`);
}

function positionCode(position: AlphaPositionName): string {
  const code = POSITIONS[position];
  if (code === undefined) throw new AlphaError('field_invalid', `not an Alpha display position: ${JSON.stringify(position)}`);
  return code;
}

/**
 * Mode fields for lines of a call: one line in the middle, two top and bottom, three
 * top, middle and bottom; no lines = an empty message (clears the priority file).
 */
export function fieldsForLines(lines: readonly string[], mode: AlphaMode = 'hold', single: AlphaPositionName = 'middle'): AlphaTextField[] {
  const positions: readonly AlphaPositionName[][] = [[], [single], ['top', 'bottom'], ['top', 'middle', 'bottom']];
  const layout = positions[lines.length];
  if (!layout) throw new AlphaError('text_invalid', `an Alpha text file holds at most 3 positioned lines, got ${lines.length}`);
  return layout.map((position, index) => ({ position, mode, text: lines[index]! }));
}

/** `STX 'A' <label> {ESC <pos> <mode> <text>}…` as a block; text normalised to printable ASCII. */
export function writeTextBlock(label: string, fields: readonly AlphaTextField[], options: { checksum?: boolean } = {}): AlphaBlock {
  const data = oneCharacter(label, 'file label') + fields.map((field) => `\x1b${positionCode(field.position)}${modeCode(field.mode)}${toPrintableAscii(field.text)}`).join('');
  return { command: WRITE_TEXT, data: Buffer.from(data, 'latin1'), checksum: options.checksum ?? true };
}

/** A whole write-TEXT packet to `address` (type `'Z'` unless given). */
export function writeTextPacket(
  address: string | number,
  label: string,
  fields: readonly AlphaTextField[],
  options: { checksum?: boolean; type?: string } = {},
): AlphaPacket {
  return { type: options.type ?? ALL_SIGN_TYPES, address: normaliseAddress(address), blocks: [writeTextBlock(label, fields, options)] };
}

/**
 * `STX 'E' <label> <data>`. §5 names the labels `7` Serial Address, `-` Network Query,
 * `*` Serial Error Status, `,` Soft Reset, and says ACK/NAK is enabled by a Write Special
 * Function without giving its label or data: the caller supplies both from the full spec.
 */
export function writeSpecialBlock(label: string, data: Buffer | string = '', options: { checksum?: boolean } = {}): AlphaBlock {
  const body = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  return { command: WRITE_SPECIAL, data: Buffer.concat([Buffer.from(oneCharacter(label, 'special function label'), 'latin1'), body]), checksum: options.checksum ?? true };
}

/**
 * A write-TEXT payload (the bytes after `'A'`), or `undefined` without a file label.
 * `strings(label)` gives the current STRING files for the text's string calls (§9).
 */
export function decodeWriteText(data: Buffer, strings?: (label: string) => Buffer | undefined): { label: string; fields: DecodedTextField[] } | undefined {
  if (data.length === 0) return undefined;
  const label = String.fromCharCode(data[0]!);
  const fields: DecodedTextField[] = [];
  let rest = data.subarray(1);
  while (rest.length > 0) {
    // Mode n carries a second character (§9), so its text starts one byte later.
    const header = rest[0] === ESC ? (rest[2] === 0x6e ? 4 : 3) : 0;
    const next = rest.indexOf(ESC, header);
    const end = next < 0 ? rest.length : next;
    const field = rest.subarray(0, end);
    rest = rest.subarray(end);
    if (field[0] === ESC && field.length >= header) {
      const position = String.fromCharCode(field[1]!);
      const mode = field.subarray(2, header).toString('latin1');
      const name = mode.length === 2 ? SPECIAL_MODES[mode[1]!] : MODE_NAMES.get(mode);
      fields.push({ position: POSITION_NAMES.get(position) ?? position, mode: name ?? mode, ...renderText(field.subarray(header), strings) });
    } else if (field[0] !== ESC) {
      fields.push({ position: null, mode: null, ...renderText(field, strings) });
    } // else: an ESC cut short before its position and mode carries nothing to show
  }
  return { label, fields };
}
