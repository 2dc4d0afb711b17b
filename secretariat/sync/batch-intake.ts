import { EVENT_DATA_SCHEMAS, isEventType } from '../../protocol/events/envelope.ts';
import type { FeedbackPressedData } from '../../protocol/events/feedback.ts';
import { formatIssues } from '../../protocol/format-issues.ts';
import { eventHash, SyncEvent, SyncEventSeq, type QuarantineReason } from '../../protocol/sync/index.ts';
import { localDay } from '../local-day.ts';
import type { IncomingEvent } from '../store/store.ts';
import { MAX_DATA_DEPTH, type DeepRecord } from './json-depth.ts';

export type IntakeResult = { ok: true; events: IncomingEvent[] } | { ok: false; message: string };

const MAX_TEXT = 64;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Turns a batch's records into what the store applies (step 9 of the sync checks).
 *
 * Two kinds of failure, on purpose different:
 * - a record whose seq cannot be read, or seqs out of order, refuses the WHOLE batch
 *   (nothing stored): without a trustworthy seq we cannot hold the record anywhere,
 *   and acking around it would break "exactly once";
 * - any other problem sets the one record aside in quarantine. It still occupies its
 *   seq, so `ackedThroughSeq` passes it and one bad event never stalls a centre
 *   (invariant 3).
 * Unknown event types are stored: schema evolution is additive, and a newer hub must
 * not be refused by an older Secretariat. A record nesting deeper than the limit was
 * cut out before parsing (json-depth.ts): it is quarantined as sent, by its seq.
 */
export function intakeRecords(records: readonly unknown[], timeZone: string, deep: ReadonlyMap<number, DeepRecord> = new Map()): IntakeResult {
  const events: IncomingEvent[] = [];
  let previous = 0;
  for (const [index, record] of records.entries()) {
    const tooDeep = deep.get(index);
    const seqParsed = SyncEventSeq.safeParse(tooDeep ? { seq: tooDeep.seq } : record, { reportInput: true });
    if (!seqParsed.success) {
      const what = tooDeep ? `nests deeper than ${MAX_DATA_DEPTH} levels and its seq cannot be read` : `every record needs an integer seq ≥ 1 (${formatIssues(seqParsed.error).join('; ')})`;
      return { ok: false, message: `events[${index}]: ${what}; nothing in this batch was stored` };
    }
    const seq = seqParsed.data.seq;
    if (seq <= previous) {
      const what = seq === previous ? 'repeats' : 'is lower than';
      return { ok: false, message: `events[${index}].seq ${seq} ${what} the previous record's seq ${previous}; seqs must be strictly ascending; nothing in this batch was stored` };
    }
    previous = seq;
    events.push(tooDeep ? quarantinedDeep(seq, tooDeep) : intakeOne(seq, record as Record<string, unknown>, timeZone));
  }
  return { ok: true, events };
}

function intakeOne(seq: number, record: Record<string, unknown>, timeZone: string): IncomingEvent {
  const parsed = SyncEvent.safeParse(record, { reportInput: true });
  // `data: z.unknown()` also accepts a missing key, but a missing value has no JSON
  // text to hash or store, so it is an invalid event too.
  if (!parsed.success || !Object.hasOwn(record, 'data') || record.data === undefined) {
    const issues = parsed.success ? ['data: is required (expected any JSON value)'] : formatIssues(parsed.error);
    return quarantined(seq, record, 'invalid_event', issues.join('; '));
  }
  const event = parsed.data;
  // Hash and store the data exactly as sent: zod's output would drop unknown keys,
  // which a newer hub may legitimately add.
  const dataJson = JSON.stringify(record.data);
  let feedback: IncomingEvent['feedback'];
  if (isEventType(event.type)) {
    const data = EVENT_DATA_SCHEMAS[event.type].safeParse(record.data, { reportInput: true });
    if (!data.success) {
      const issues = formatIssues(data.error).map((issue) => `data.${issue}`.replace('data.(top level)', 'data'));
      return quarantined(seq, record, 'invalid_data', `${event.type}: ${issues.join('; ')}`);
    }
    if (event.type === 'feedback.pressed') {
      const press = data.data as FeedbackPressedData;
      feedback = { day: localDay(Date.parse(press.pressedAt), timeZone), rating: press.rating as 1 | 2 | 3 | 4, misuse: press.misuse };
    }
  }
  const expected = eventHash(event.type, event.at, dataJson).toString('hex');
  if (expected !== event.hash) {
    return quarantined(seq, record, 'hash_mismatch', `hash ${event.hash} does not match the SHA-256 of type, at and data as received (${expected}); the record was altered or hashed differently`);
  }
  return { seq, type: event.type, at: event.at, dataJson, hash: event.hash, ...(feedback ? { feedback } : {}) };
}

/** A record set aside: whatever it claimed is kept (truncated), with the raw record as its data. */
function quarantined(seq: number, record: Record<string, unknown>, reason: QuarantineReason, message: string): IncomingEvent {
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, MAX_TEXT) : '');
  const hash = typeof record.hash === 'string' && SHA256_HEX.test(record.hash) ? record.hash : '';
  return { seq, type: text(record.type), at: text(record.at), dataJson: JSON.stringify(record), hash, quarantine: { reason, message } };
}

/** A record too deep to parse safely: kept as the text it was sent as. */
function quarantinedDeep(seq: number, record: DeepRecord): IncomingEvent {
  const inData = record.field === 'data';
  const where = inData ? 'data' : record.field ? `field "${record.field.slice(0, MAX_TEXT)}"` : 'the record';
  return {
    seq, type: '', at: '', dataJson: record.raw, hash: '',
    quarantine: { reason: inData ? 'invalid_data' : 'invalid_event', message: `${where} nests deeper than ${MAX_DATA_DEPTH} levels (the limit); the record is kept as sent` },
  };
}
