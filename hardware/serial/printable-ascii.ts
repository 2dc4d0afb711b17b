/**
 * Text for boards that only render 7-bit printable ASCII (20–7E): the Alpha sign on a
 * 7E1 line (docs/protocols/alpha-sign.md §2) and the DM-D display in its default code
 * table (docs/protocols/dm-d.md §5). Shared by hardware/alpha/ and hardware/vfd/.
 *
 * Control bytes must never reach the wire inside text: on an Alpha sign they are framing
 * (SOH/STX/ETX/EOT) or formatting codes (ESC starts a mode field), on a DM-D display they
 * are commands (`0C` clears it). Names and services in English and Swahili are Latin
 * script, so folding accents and typographic punctuation keeps them readable.
 */

/** Typographic characters with a plain ASCII spelling. */
const REPLACEMENTS: ReadonlyMap<string, string> = new Map([
  ['\u2018', "'"], ['\u2019', "'"], ['\u201a', "'"], ['\u201b', "'"], ['\u2032', "'"],
  ['\u201c', '"'], ['\u201d', '"'], ['\u201e', '"'], ['\u2033', '"'], ['\u00ab', '"'], ['\u00bb', '"'],
  ['\u2010', '-'], ['\u2011', '-'], ['\u2012', '-'], ['\u2013', '-'], ['\u2014', '-'], ['\u2212', '-'],
  ['\u2026', '...'], ['\u2192', '->'], ['\u2190', '<-'], ['\u21d2', '=>'], ['\u00d7', 'x'],
  ['\u00df', 'ss'], ['\u00e6', 'ae'], ['\u00c6', 'AE'], ['\u0153', 'oe'], ['\u0152', 'OE'],
  ['\u00f8', 'o'], ['\u00d8', 'O'], ['\u0131', 'i'], ['\u0142', 'l'], ['\u0141', 'L'], ['\u00b7', '.'],
]);

/** Stands in for a character with no ASCII spelling. */
export const UNPRINTABLE = '?';

/**
 * `text` in printable ASCII: accents folded (NFKD, marks dropped), typographic
 * punctuation spelled out, every kind of space and line break a single space, anything
 * else `?`. The result holds only bytes 20–7E.
 */
export function toPrintableAscii(text: string): string {
  let out = '';
  for (const char of text.normalize('NFKD')) {
    const code = char.codePointAt(0)!;
    if (code >= 0x20 && code <= 0x7e) out += char;
    else if (code >= 0x300 && code <= 0x36f) continue; // combining mark left by NFKD
    else if (/\s/u.test(char)) out += ' ';
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) out += UNPRINTABLE;
    else out += REPLACEMENTS.get(char) ?? UNPRINTABLE;
  }
  return out;
}

/** `text` normalised, then cut to `width` characters and padded with spaces to it. */
export function fitAscii(text: string, width: number): string {
  return toPrintableAscii(text).slice(0, width).padEnd(width, ' ');
}
