import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../runtime/clock.ts';
import { openHubDatabase } from '../../hub/store/database.ts';
import type { WriteOp } from '../../hub/store/writer/write-operations.ts';
import { StoreWriter } from '../../hub/store/writer/store-writer.ts';
import { capturingLogger } from '../helpers/log-capture.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** A writer thread that says ready, then dies on its first batch without answering. */
const DYING_WRITER = `
const { parentPort } = require('node:worker_threads');
parentPort.postMessage({ type: 'ready' });
parentPort.on('message', (m) => { if (m.type === 'batch') process.exit(7); });
`;

const count = (stat: string): WriteOp => ({ kind: 'count', stat, delta: 1 });
const submit = (writer: StoreWriter, op: WriteOp) =>
  new Promise<Error | null>((resolve) => writer.submit(op, (error) => resolve(error)));

describe('StoreWriter (the main thread side of the writer thread)', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
    openHubDatabase(dir.path, { role: 'cli' }).close();
  });
  afterEach(() => dir.remove());

  it('commits ops through the real writer thread and reports stats', async () => {
    const writer = new StoreWriter({ dataDir: dir.path, log: capturingLogger().log, clock: new ManualClock(0) });
    await writer.start();
    const results = await Promise.all([submit(writer, count('a')), submit(writer, count('a')), submit(writer, count('b'))]);
    expect(results).toEqual([null, null, null]);
    expect(writer.stats).toMatchObject({ commits: 1, items: 3, failedCommits: 0 });
    await writer.stop();
    const db = openHubDatabase(dir.path, { role: 'cli' });
    expect(db.prepare('SELECT name, value FROM stats ORDER BY name').all()).toEqual([{ name: 'a', value: 2 }, { name: 'b', value: 1 }]);
    db.close();
    expect(await submit(writer, count('a'))).toEqual(new Error('the store is closed'));
  });

  it('a callback that throws does not keep the other ops of its batch from being released', async () => {
    const logs = capturingLogger();
    const writer = new StoreWriter({ dataDir: dir.path, log: logs.log, clock: new ManualClock(0) });
    await writer.start();
    const released: string[] = [];
    await new Promise<void>((resolve) => {
      writer.submit(count('a'), () => {
        released.push('first');
        throw new Error('a listener bug');
      });
      writer.submit(count('b'), () => {
        released.push('second');
        resolve();
      });
    });
    expect(released).toEqual(['first', 'second']);
    expect(logs.lines().some((line) => String(line.msg).includes('a store write callback threw'))).toBe(true);
    await writer.stop();
  });

  it('an op no feature registered fails alone, its neighbours commit', async () => {
    const writer = new StoreWriter({ dataDir: dir.path, log: capturingLogger().log, clock: new ManualClock(0) });
    await writer.start();
    const unknown = { kind: 'no_such_op' } as unknown as WriteOp;
    const results = await Promise.all([submit(writer, count('a')), submit(writer, unknown), submit(writer, count('a'))]);
    expect(results[0]).toBeNull();
    expect(results[1]?.message).toMatch(/unknown write op "no_such_op"/);
    expect(results[2]).toBeNull();
    await writer.stop();
  });

  it('when the thread dies: fails its pending ops, fails new ones at once, restarts with backoff', async () => {
    const clock = new ManualClock(0);
    const logs = capturingLogger();
    let spawned = 0;
    const writer = new StoreWriter({
      dataDir: dir.path,
      log: logs.log,
      clock,
      // The first thread dies; the restarted one is the real writer.
      spawn: (workerData) => (++spawned === 1 ? new Worker(DYING_WRITER, { eval: true }) : new Worker(new URL('../../hub/store/writer/writer-thread-entry.mjs', import.meta.url), { workerData })),
    });
    await writer.start();
    const lost = await submit(writer, count('x'));
    expect(lost?.message).toBe('the store writer stopped before committing');
    expect(writer.available).toBe(false);
    expect(await submit(writer, count('x'))).toEqual(new Error('the store writer is restarting'));
    expect(logs.text()).toMatch(/store writer thread exited/);

    const back = once(writer, 'available');
    clock.advance(99);
    expect(spawned).toBe(1);
    clock.advance(1);
    await back;
    expect(spawned).toBe(2);
    expect(await submit(writer, count('x'))).toBeNull();
    await writer.stop();
  });

  it('stop() returns even if the thread is already gone', async () => {
    const writer = new StoreWriter({ dataDir: dir.path, log: capturingLogger().log, clock: new ManualClock(0), spawn: () => new Worker(DYING_WRITER, { eval: true }) });
    await writer.start();
    await submit(writer, count('x'));
    await writer.stop();
    expect(writer.available).toBe(false);
  });
});
