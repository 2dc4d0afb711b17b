import { PrinterTypes, ThermalPrinter } from 'node-thermal-printer';
import { instantWords } from '../../protocol/wording/local-time-words.ts';
import type { Strings } from '../../protocol/wording/overrides.ts';
import { STRINGS } from '../../protocol/wording/strings.ts';
import { toTicketAscii } from './ascii-text.ts';
import { characterSize, feedAndCut, initialise, paperStatusBarrier } from './commands.ts';
import { EscposError } from './errors.ts';

/** The wording a ticket prints, each label in both languages, each language on its own line (`Label: value`). */
export interface TicketLabels {
  peopleAhead: { en: string; sw: string };
  estimatedWait: { en: string; sw: string };
  /** Under the wait: what it counts (everyone called first, in every service). */
  waitNote: { en: string; sw: string };
  issued: { en: string; sw: string };
  reprint: { en: string; sw: string };
}

/** The labels of a wording table (protocol/wording: a centre's config may override them). */
export const ticketLabelsOf = (strings: Pick<Strings, 'ticketPeopleAhead' | 'ticketEstimatedWait' | 'ticketWaitNote' | 'ticketIssued' | 'ticketReprint'>): TicketLabels => ({
  peopleAhead: strings.ticketPeopleAhead,
  estimatedWait: strings.ticketEstimatedWait,
  waitNote: strings.ticketWaitNote,
  issued: strings.ticketIssued,
  reprint: strings.ticketReprint,
});

/** What goes on a queue ticket: plain data, no hub types (the hub adapts its TicketView). */
export interface TicketJob {
  centreName: { en: string; sw: string };
  serviceNames: { en: string; sw: string };
  /** The number called out, e.g. `A042`. */
  number: string;
  /** Encoded in the QR code and printed under it, e.g. `20261205-A042`. */
  ticketId: string;
  peopleAhead: number;
  quotedWait: { lowMin: number; highMin: number } | null;
  /** ISO 8601 instant. */
  issuedAt: string;
  /** IANA zone the issue time is printed in, e.g. `Africa/Nairobi`. */
  timeZone: string;
  /** Printed again after a failed print: the ticket says so, so staff can tell it from a second number. */
  reprint?: boolean;
  /** The printed wording; default: the built-in table's. */
  labels?: TicketLabels;
}

export interface TicketLayout {
  /** Characters per line at normal size: 48 for 80 mm paper (font A), 32 for 58 mm. */
  width?: number;
  /** `GS V 66 0` partial (default) or `GS V 65 0` full cut. */
  cut?: 'full' | 'partial';
  /** QR module size in dots, 1..8 (node-thermal-printer's range); default 6. */
  qrCellSize?: number;
}

/**
 * The ticket's layout model: the text of each part, in print order, already reduced to
 * printable ASCII. `buildTicketBytes` renders it to ESC/POS, `ticketLines` to plain text
 * (the built-in emulator, a preview), so paper and preview never differ.
 */
export interface TicketText {
  centre: string[];
  service: string[];
  /** `REPRINT / NAKALA` on a reprint, else null. */
  reprint: string | null;
  number: string;
  /** English line, then Kiswahili line(s). */
  peopleAhead: string[];
  /** The wait in each language, then what it counts. */
  wait: string[];
  /** Date and time in each language (Kiswahili: the Swahili hour, docs/queue.md). */
  issued: string[];
  ticketId: string;
}

/**
 * Characters a printed line may hold. An 80 mm printer's font A gives 48 columns on
 * 576 dots, but many kiosk printers print 512 dots (42 columns), and a line longer than
 * the paper wraps mid-word on them: every line the ticket prints stays within 42.
 */
export const TICKET_LINE_CHARS = 42;

/** Large type for the number: 4 × 4 (`GS ! 33`); 12 characters fit 48 columns. */
const NUMBER_SIZE = 4;
const MAX_NUMBER_LENGTH = 12;
/** Far below the QR symbol limits; a ticket id is ~13 bytes. */
const MAX_QR_BYTES = 255;

/** `text` broken at spaces into lines of at most TICKET_LINE_CHARS (a longer word is cut). */
export function wrapTicketLine(text: string, width = TICKET_LINE_CHARS): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(' ').filter(Boolean)) {
    while (word.length > width) {
      if (line) lines.push(line);
      lines.push(word.slice(0, width));
      word = word.slice(width);
      line = '';
    }
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** Both languages, once if they read the same, each wrapped to the line width. */
const bilingual = (text: { en: string; sw: string }): string[] => {
  const en = toTicketAscii(text.en).trim();
  const sw = toTicketAscii(text.sw).trim();
  const both = en === sw || sw === '' ? [en] : en === '' ? [sw] : [en, sw];
  return both.flatMap((line) => wrapTicketLine(line));
};

/** `Label: value` in English, then in Kiswahili, each on its own wrapped line(s). */
const labelled = (label: { en: string; sw: string }, value: { en: string; sw: string }): string[] => [
  ...wrapTicketLine(`${toTicketAscii(label.en).trim()}: ${value.en}`),
  ...wrapTicketLine(`${toTicketAscii(label.sw).trim()}: ${value.sw}`),
];

/** The quoted wait, as the kiosk words it (kiosk/public/assets/wait-words.js), in print's ASCII. */
function waitValue(wait: { lowMin: number; highMin: number } | null): { en: string; sw: string } {
  if (!wait) return { en: '-', sw: '-' };
  if (wait.highMin === 0) return { en: 'no wait', sw: 'hakuna kusubiri' };
  if (wait.lowMin === 0) return { en: `up to ${wait.highMin} min`, sw: `hadi dakika ${wait.highMin}` };
  if (wait.lowMin === wait.highMin) return { en: `about ${wait.lowMin} min`, sw: `takriban dakika ${wait.lowMin}` };
  return { en: `about ${wait.lowMin}-${wait.highMin} min`, sw: `takriban dakika ${wait.lowMin}-${wait.highMin}` };
}

const BUILT_IN_LABELS = ticketLabelsOf(STRINGS);

/** The issue date and time in the centre's zone, in both languages. */
function issuedWords(iso: string, timeZone: string): { en: string; sw: string; swTime: string } {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) throw new EscposError('ticket_invalid', `issuedAt is not a time: ${JSON.stringify(iso)}`);
  let words;
  try {
    words = instantWords(at.getTime(), timeZone);
  } catch (error) {
    throw new EscposError('ticket_invalid', `unknown time zone ${JSON.stringify(timeZone)}`, { cause: error });
  }
  return { en: `${words.date.en} ${words.clock}`, sw: words.date.sw, swTime: words.time.sw };
}

const nonNegativeInt = (n: number): boolean => Number.isInteger(n) && n >= 0;

/** The ticket's layout model for a job; throws `ticket_invalid` for what cannot be printed. */
export function ticketText(job: TicketJob): TicketText {
  const number = toTicketAscii(job.number).trim();
  const ticketId = toTicketAscii(job.ticketId).trim();
  if (number === '' || number.length > MAX_NUMBER_LENGTH) {
    throw new EscposError('ticket_invalid', `the ticket number must be 1..${MAX_NUMBER_LENGTH} printable ASCII characters, got ${JSON.stringify(job.number)}`);
  }
  if (ticketId === '' || ticketId.length > MAX_QR_BYTES || ticketId !== job.ticketId) {
    throw new EscposError('ticket_invalid', `the ticket id must be 1..${MAX_QR_BYTES} printable ASCII characters, got ${JSON.stringify(job.ticketId)}`);
  }
  if (!nonNegativeInt(job.peopleAhead)) throw new EscposError('ticket_invalid', `peopleAhead must be a whole number ≥ 0, got ${job.peopleAhead}`);
  const wait = job.quotedWait;
  if (wait && !(nonNegativeInt(wait.lowMin) && nonNegativeInt(wait.highMin) && wait.lowMin <= wait.highMin)) {
    throw new EscposError('ticket_invalid', `quotedWait must be whole minutes with lowMin ≤ highMin, got ${JSON.stringify(wait)}`);
  }
  const labels = job.labels ?? BUILT_IN_LABELS;
  const issued = issuedWords(job.issuedAt, job.timeZone);
  const ahead = String(job.peopleAhead);
  return {
    centre: bilingual(job.centreName),
    service: bilingual(job.serviceNames),
    reprint: job.reprint ? bilingual(labels.reprint).join(' / ') : null,
    number,
    peopleAhead: labelled(labels.peopleAhead, { en: ahead, sw: ahead }),
    wait: [...labelled(labels.estimatedWait, waitValue(wait)), ...(wait ? bilingual(labels.waitNote) : [])],
    // Kiswahili: the date, then the Swahili hour on its own line ("saa 3:27 usiku (21:27)").
    issued: [...wrapTicketLine(`${toTicketAscii(labels.issued.en).trim()}: ${issued.en}`), ...wrapTicketLine(`${toTicketAscii(labels.issued.sw).trim()}: ${issued.sw}`), issued.swTime],
    ticketId,
  };
}

/** The model as plain lines, in print order; the QR code as `QR:<payload>`. */
export function ticketLines(text: TicketText): string[] {
  return [...text.centre, ...text.service, ...(text.reprint ? [text.reprint] : []), text.number, ...text.peopleAhead, ...text.wait, ...text.issued, `QR:${text.ticketId}`, text.ticketId];
}

/**
 * The bytes of one ticket job: `ESC @`, the ticket, a cut and the `GS r 1` barrier
 * (docs/protocols/escpos.md §6, step 4). node-thermal-printer 4.6.1 is used only as a byte builder (§7): no
 * interface, `getBuffer()`, a fresh buffer per job. Its defects are worked around here:
 * it never sends `ESC @` (prefixed here, then `ESC t 0` for PC437 since `ESC @` resets the
 * code table); its `setTextSize` swaps width and height (`GS !` written here); its `cut()`
 * adds `ESC d 4` twice and a trailing `ESC @` (`GS V 66 0` written here); its `append()`
 * switches code pages on non-ASCII text (all text goes through `toTicketAscii` first).
 */
export function buildTicketBytes(job: TicketJob, layout: TicketLayout = {}): Buffer {
  const text = ticketText(job);
  const width = layout.width ?? 48;
  const cellSize = layout.qrCellSize ?? 6;
  if (!Number.isInteger(width) || width < 16 || width > 96) throw new EscposError('ticket_invalid', `width must be 16..96 characters, got ${width}`);
  if (!Number.isInteger(cellSize) || cellSize < 1 || cellSize > 8) throw new EscposError('ticket_invalid', `qrCellSize must be 1..8, got ${cellSize}`);

  // No `interface`: the library only builds bytes (execute() would throw "No interface!").
  const printer = new ThermalPrinter({ type: PrinterTypes.EPSON, width } as unknown as ConstructorParameters<typeof ThermalPrinter>[0]);
  printer.clear();
  printer.add(initialise()); // 1B 40
  printer.setCharacterSet('PC437_USA'); // 1B 74 00
  printer.alignCenter(); // 1B 61 01
  printer.bold(true);
  printer.println(text.centre[0]!);
  printer.bold(false);
  for (const line of text.centre.slice(1)) printer.println(line);
  for (const line of text.service) printer.println(line);
  if (text.reprint) {
    printer.bold(true);
    printer.println(text.reprint);
    printer.bold(false);
  }
  printer.newLine();
  printer.add(characterSize(NUMBER_SIZE, NUMBER_SIZE)); // 1D 21 33
  printer.bold(true);
  printer.println(text.number);
  printer.bold(false);
  printer.add(characterSize(1, 1)); // 1D 21 00
  printer.newLine();
  for (const line of [...text.peopleAhead, ...text.wait, ...text.issued]) printer.println(line);
  printer.printQR(text.ticketId, { cellSize, correction: 'M', model: 2 });
  printer.newLine();
  printer.println(text.ticketId);
  // Both commands below sit at the start of a line (after the LF above), as GS V requires.
  printer.add(feedAndCut(layout.cut ?? 'partial', 0));
  printer.add(paperStatusBarrier()); // 1D 72 01
  return Buffer.from(printer.getBuffer());
}
