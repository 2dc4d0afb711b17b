import { describe, expect, it } from 'vitest';
import { ReplayCache } from '../../secretariat/http/replay-cache.ts';
import { CentreQueue } from '../../secretariat/sync/centre-queue.ts';

describe('ReplayCache', () => {
  it('refuses a nonce inside 2× the window, per centre, and forgets it after', () => {
    const cache = new ReplayCache({ windowMs: 1000 });
    expect(cache.remember('a', 'nonce-1', 0)).toBe(true);
    expect(cache.remember('a', 'nonce-1', 1999)).toBe(false);
    expect(cache.remember('b', 'nonce-1', 1999)).toBe(true);
    expect(cache.remember('a', 'nonce-1', 2000)).toBe(true);
    // Expired entries are dropped as time moves on.
    expect(cache.remember('a', 'nonce-2', 10_000)).toBe(true);
    expect(cache.size('a')).toBe(1);
  });

  it('bounds memory per centre by forgetting the oldest nonce', () => {
    const cache = new ReplayCache({ windowMs: 60_000, maxPerCentre: 3 });
    for (const nonce of ['n1', 'n2', 'n3', 'n4']) expect(cache.remember('a', nonce, 0)).toBe(true);
    expect(cache.size('a')).toBe(3);
    expect(cache.remember('a', 'n4', 1)).toBe(false);
    expect(cache.remember('a', 'n2', 1)).toBe(false);
    // n1 was evicted (the price of bounded memory); another centre is unaffected by a's flood.
    expect(cache.remember('a', 'n1', 1)).toBe(true);
    expect(cache.remember('b', 'n9', 1)).toBe(true);
    expect(cache.size()).toBe(4);
  });
});

describe('CentreQueue', () => {
  it('never overlaps two tasks of one centre, runs centres in parallel, and survives a failure', async () => {
    const queue = new CentreQueue();
    const running = new Map<string, number>();
    const maxRunning = new Map<string, number>();
    const order: string[] = [];
    const gates: Array<() => void> = [];
    const task = (centre: string, name: string, fail = false) => () =>
      new Promise<string>((resolve, reject) => {
        running.set(centre, (running.get(centre) ?? 0) + 1);
        maxRunning.set(centre, Math.max(maxRunning.get(centre) ?? 0, running.get(centre)!));
        order.push(`start ${name}`);
        gates.push(() => {
          running.set(centre, running.get(centre)! - 1);
          order.push(`end ${name}`);
          if (fail) reject(new Error(name));
          else resolve(name);
        });
      });
    const a1 = queue.run('a', task('a', 'a1', true));
    const a2 = queue.run('a', task('a', 'a2'));
    const b1 = queue.run('b', task('b', 'b1'));
    // Let the queue start what it may: a1 and b1, not a2.
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['start a1', 'start b1']);
    gates.shift()!();
    await expect(a1).rejects.toThrow('a1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['start a1', 'start b1', 'end a1', 'start a2']);
    while (gates.length > 0) gates.shift()!();
    await expect(Promise.all([a2, b1])).resolves.toEqual(['a2', 'b1']);
    expect(maxRunning.get('a')).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.busyCentres).toBe(0);
  });
});
