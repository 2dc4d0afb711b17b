import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../runtime/clock.ts';
import { ReplyQueue } from '../../../hardware/escpos/reply-queue.ts';
import { RealtimeScanner } from '../../../hardware/escpos/realtime-scanner.ts';

const timeout = () => new Error('timed out');

describe('ReplyQueue (FIFO replies with timeouts)', () => {
  it('matches replies to requests in order', async () => {
    const queue = new ReplyQueue<number>(new ManualClock(0), 1000);
    const a = queue.expect();
    const b = queue.expect();
    expect(queue.offer(1)).toBe('matched');
    expect(queue.offer(2)).toBe('matched');
    expect(queue.offer(3)).toBe('unexpected');
    expect(await a.promise).toBe(1);
    expect(await b.promise).toBe(2);
  });

  it('a timed-out request absorbs its late reply within the grace time, then is forgotten', async () => {
    const clock = new ManualClock(0);
    const queue = new ReplyQueue<number>(clock, 1000);
    const stuck = queue.expect();
    stuck.arm(500, timeout);
    clock.advance(500);
    await expect(stuck.promise).rejects.toThrow('timed out');
    const next = queue.expect();
    expect(queue.abandoned).toBe(1);
    expect(queue.offer(7)).toBe('late'); // the stuck request's reply, not next's
    expect(queue.offer(8)).toBe('matched');
    expect(await next.promise).toBe(8);

    const lost = queue.expect();
    lost.arm(500, timeout);
    clock.advance(500);
    await expect(lost.promise).rejects.toThrow();
    clock.advance(1000); // its reply never came (the printer lost it): forgotten
    const fresh = queue.expect();
    expect(queue.offer(9)).toBe('matched');
    expect(await fresh.promise).toBe(9);
  });

  it('cancel withdraws a request that never went out; clear rejects all and forgets the abandoned', async () => {
    const clock = new ManualClock(0);
    const queue = new ReplyQueue<number>(clock, 1000);
    const never = queue.expect();
    never.cancel(new Error('not sent'));
    await expect(never.promise).rejects.toThrow('not sent');
    const old = queue.expect();
    old.arm(10, timeout);
    clock.advance(10);
    await expect(old.promise).rejects.toThrow();
    const waiting = queue.expect();
    queue.clear(new Error('line dropped'));
    await expect(waiting.promise).rejects.toThrow('line dropped');
    expect(queue.waiting).toBe(0);
    expect(queue.abandoned).toBe(0);
  });
});

describe('RealtimeScanner', () => {
  it('finds DLE EOT 1..4 and DLE ENQ 1..2 anywhere, across pushes', () => {
    const scanner = new RealtimeScanner();
    const found = [0x41, 0x10, 0x04, 0x10, 0x04, 0x02, 0x10, 0x05, 0x02, 0x10, 0x04, 0x05].map((b) => scanner.push(b)).filter(Boolean);
    expect(found).toEqual([{ fn: 'eot', n: 2 }, { fn: 'enq', n: 2 }]);
  });

  it('property: a query after any bytes is always found', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 50 }), fc.integer({ min: 1, max: 4 }), (garbage, n) => {
        const scanner = new RealtimeScanner();
        for (const byte of garbage) scanner.push(byte);
        const found = [0x10, 0x04, n].map((b) => scanner.push(b));
        expect(found.at(-1)).toEqual({ fn: 'eot', n });
      }),
    );
  });
});
