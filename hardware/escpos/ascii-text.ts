/**
 * Text for the printer, reduced to printable ASCII before it reaches node-thermal-printer.
 *
 * Why: the library's `append()` meets a character missing from the current code page,
 * tries every known code page, switches permanently and writes `ESC t n` mid-line
 * (docs/protocols/escpos.md §7). Swahili and English need only ASCII (§1: the only mark
 * is the apostrophe in `ng'`), so PC437 (`ESC t 0`) covers both once typographic
 * punctuation is mapped back to ASCII. Control characters are removed too: a centre name
 * holding `1B ..` or `10 04 n` must never become a printer command.
 */
const REPLACEMENTS: readonly (readonly [RegExp, string])[] = [
  // ‘ ’ ‚ ‛ ′ and the modifier letter apostrophe ʼ (often typed in ng’ombe)
  [/[\u2018\u2019\u201a\u201b\u2032\u02bc]/g, "'"],
  // “ ” „ ‟ ″ « »
  [/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"'],
  // hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus
  [/[\u2010-\u2015\u2212]/g, '-'],
  [/\u2026/g, '...'],
  // line breaks and tabs inside a field would break the layout: one space
  [/[\r\n\t\v\f\u2028\u2029]+/g, ' '],
  // no-break and other typographic spaces
  [/[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g, ' '],
];

/** Combining marks left by NFKD decomposition (é → e + U+0301). */
const COMBINING = /[\u0300-\u036f]/g;
/** Anything outside printable ASCII (0x20–0x7E), including every control character. */
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/g;

/**
 * `text` as printable ASCII: typographic quotes and dashes mapped (’ → ', “ ” → ", – — → -),
 * accents dropped (é → e), everything else that is not printable ASCII removed.
 */
export function toTicketAscii(text: string): string {
  let out = text;
  for (const [pattern, replacement] of REPLACEMENTS) out = out.replace(pattern, replacement);
  return out.normalize('NFKD').replace(COMBINING, '').replace(NOT_PRINTABLE_ASCII, '');
}

/** Whether every character of `text` is printable ASCII. */
export const isTicketAscii = (text: string): boolean => !/[^\x20-\x7e]/.test(text);
