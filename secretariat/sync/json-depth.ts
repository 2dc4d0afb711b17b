/**
 * JSON with a nesting limit (docs/security.md, "Secretariat"). V8's JSON.parse copes
 * with any depth, but what comes after does not: JSON.stringify, zod's issue messages
 * and anything else recursive overflow the stack on a 100,000-deep value. So the parsed
 * value is walked (iteratively, stopping at the limit) before anything else touches it;
 * within the limit, that is all (the walk costs a fraction of the parse). Beyond it, the
 * text is scanned (one linear pass, strings skipped with indexOf): a record of the
 * batch's `events` array that nests too deep is cut out (replaced by null) and handed back
 * raw, with its seq if that can be read, so it can be quarantined like any other bad
 * record while the rest of the batch lands; too deep anywhere else, the body is refused.
 */

/** Levels an event's `data` may nest (a feedback press uses 1). */
export const MAX_DATA_DEPTH = 64;
/** A batch's own levels above an event's fields: the batch object, `events`, the event object. */
export const EVENT_DEPTH = 3;

export interface DeepRecord {
  /** Index in the records array (where JSON.parse now has null). */
  index: number;
  /** The record's `seq`, when it is a readable number. */
  seq: number | undefined;
  /** The record's text exactly as sent. */
  raw: string;
  /** The record's field under which the limit was passed ("data", usually). */
  field: string | undefined;
}

export type DepthLimitedParse = { ok: true; value: unknown; deep: Map<number, DeepRecord> } | { ok: false; message: string };

/** Parses `text` (JSON.parse's SyntaxError passes through). `recordsKey`: the top-level array whose records may be cut out. */
export function parseWithDepthLimit(text: string, maxDepth: number, recordsKey?: string): DepthLimitedParse {
  const value: unknown = JSON.parse(text);
  if (!valueExceedsDepth(value, maxDepth)) return { ok: true, value, deep: new Map() };
  const found = recordsKey === undefined ? undefined : findDeepRecords(text, maxDepth, recordsKey);
  if (!found) return { ok: false, message: `nests deeper than ${maxDepth} levels, the limit` };
  let cut = '';
  let from = 0;
  for (const record of found) {
    cut += `${text.slice(from, record.start)}null`;
    from = record.end;
  }
  cut += text.slice(from);
  const deep = new Map(found.map(({ start: _start, end: _end, ...record }) => [record.index, record]));
  return { ok: true, value: JSON.parse(cut), deep };
}

/** Whether a parsed value nests containers deeper than `limit`: iterative, and it stops at the limit. */
export function valueExceedsDepth(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const nodes: unknown[] = [value];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop() as Record<string, unknown> | unknown[];
    const depth = depths.pop()!;
    if (depth > limit) return true;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child = node[i];
        if (child !== null && typeof child === 'object') {
          nodes.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in node) {
        const child = node[key];
        if (child !== null && typeof child === 'object') {
          nodes.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

/** Whether any object or array in the text nests deeper than `limit` (brackets inside strings do not count). */
export function exceedsDepth(text: string, limit: number): boolean {
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(text, i);
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
  }
  return false;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;

/** Index of the quote closing the string that opens at `start` (text length when unterminated). */
function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

interface Span extends DeepRecord {
  start: number;
  end: number;
}

/**
 * The records of the top-level `recordsKey` array that pass the limit, or undefined
 * when the limit is passed outside them (or the text is too malformed to tell).
 */
function findDeepRecords(text: string, limit: number, recordsKey: string): Span[] | undefined {
  const spans: Span[] = [];
  let depth = 0;
  let topKey: string | undefined;
  let inRecords = false;
  let index = -1;
  let record: { start: number; deep: boolean; seq: number | undefined; field: string | undefined; key: string | undefined } | undefined;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (inRecords && depth === 2) index++;
      const next = nextNonSpace(text, end + 1);
      if (text.charCodeAt(next) === COLON) {
        const key = decodeKey(text.slice(i + 1, end));
        if (depth === 1) topKey = key;
        else if (record && depth === 3) {
          record.key = key;
          if (key === 'seq') record.seq = readNumber(text, nextNonSpace(text, next + 1));
        }
      }
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth === 1 && c === OPEN_ARRAY && topKey === recordsKey) inRecords = true;
      else if (inRecords && depth === 2) {
        index++;
        record = { start: i, deep: false, seq: undefined, field: undefined, key: undefined };
      }
      depth++;
      if (depth > limit) {
        if (!record) return undefined;
        if (!record.deep) record.field = record.key;
        record.deep = true;
      }
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      if (depth < 0) return undefined;
      if (record && depth === 2) {
        if (record.deep) spans.push({ index, seq: record.seq, raw: text.slice(record.start, i + 1), field: record.field, start: record.start, end: i + 1 });
        record = undefined;
      } else if (inRecords && depth === 1) inRecords = false;
    } else if (inRecords && depth === 2 && c > 0x20 && c !== 0x2c) {
      // A scalar record (a number, true, false, null): counted, then skipped.
      index++;
      while (i + 1 < length && !isDelimiter(text.charCodeAt(i + 1))) i++;
    }
  }
  return spans;
}

function nextNonSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && text.charCodeAt(i) <= 0x20) i++;
  return i;
}

function isDelimiter(c: number): boolean {
  return c === 0x2c || c === CLOSE_ARRAY || c === CLOSE_OBJECT || c <= 0x20;
}

function decodeKey(raw: string): string | undefined {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return undefined;
  }
}

function readNumber(text: string, from: number): number | undefined {
  let end = from;
  while (end < text.length && /[-+0-9.eE]/.test(text[end]!)) end++;
  const value = Number(text.slice(from, end));
  return end > from && Number.isFinite(value) ? value : undefined;
}
