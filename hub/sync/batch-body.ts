import type { OutboxSlice } from './outbox-reader.ts';

export interface BatchHeader {
  centreId: string;
  epoch: string;
  sentAt: string;
}

/**
 * The SyncBatch body (protocol/sync/batch.ts) as UTF-8 bytes, written straight from the
 * outbox slices into one buffer. Joining the event texts into one string first would put
 * a ~1 MB string per batch in V8's large-object space, which only a full GC frees; during
 * a week-long drain those piled up to ~55 MB of the hub's peak (docs/performance.md).
 * A buffer lives outside the heap and goes with the next scavenge.
 */
export function encodeBatchBody(header: BatchHeader, slices: readonly OutboxSlice[]): Buffer {
  const head = `{"v":1,"centreId":${JSON.stringify(header.centreId)},"epoch":${JSON.stringify(header.epoch)},"sentAt":"${header.sentAt}","events":[`;
  const tail = ']}';
  let size = Buffer.byteLength(head) + tail.length;
  let count = 0;
  for (const slice of slices) {
    for (const event of slice.events) size += Buffer.byteLength(event);
    count += slice.events.length;
  }
  size += Math.max(0, count - 1);
  const body = Buffer.allocUnsafe(size);
  let at = body.write(head);
  let first = true;
  for (const slice of slices) {
    for (const event of slice.events) {
      if (!first) at += body.write(',', at);
      at += body.write(event, at);
      first = false;
    }
  }
  at += body.write(tail, at);
  if (at !== size) throw new Error(`batch body: wrote ${at} bytes of ${size}`);
  return body;
}
