import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBatchBody } from '../../hub/sync/batch-body.ts';
import type { OutboxSlice } from '../../hub/sync/outbox-reader.ts';

const slice = (events: string[]): OutboxSlice => ({ events, firstSeq: 1, lastSeq: events.length, bytes: 0 });
const header = { centreId: 'demo-centre', epoch: 'e-1', sentAt: '2026-12-05T10:00:00.000Z' };

describe('encodeBatchBody', () => {
  it('writes the exact bytes the string join would have', () => {
    const body = encodeBatchBody(header, [slice(['{"seq":1}', '{"seq":2}']), slice([]), slice(['{"seq":9}'])]);
    expect(body.toString('utf8')).toBe('{"v":1,"centreId":"demo-centre","epoch":"e-1","sentAt":"2026-12-05T10:00:00.000Z","events":[{"seq":1},{"seq":2},{"seq":9}]}');
  });

  it('encodes any events, multi-byte text included, as the JSON they were', () => {
    const event = fc.record({ seq: fc.nat(), note: fc.string({ unit: 'binary' }) });
    fc.assert(
      fc.property(fc.array(fc.array(event, { maxLength: 5 }), { maxLength: 4 }), fc.string({ unit: 'grapheme' }), (slices, centreId) => {
        const body = encodeBatchBody({ ...header, centreId }, slices.map((events) => slice(events.map((e) => JSON.stringify(e)))));
        const expected = { v: 1, centreId, epoch: header.epoch, sentAt: header.sentAt, events: slices.flat() };
        expect(JSON.parse(body.toString('utf8'))).toEqual(expected);
      }),
    );
  });
});
