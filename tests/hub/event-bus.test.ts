import { describe, expect, it } from 'vitest';
import { EventBus } from '../../hub/event-bus.ts';
import { capturingLogger } from '../helpers/log-capture.ts';

const rejected = { reason: 'malformed', deviceId: 'eifd-01' };

describe('EventBus: listeners cannot hurt the emitter', () => {
  it('a listener that throws or rejects is logged and counted; the others still get the event; emit never throws', async () => {
    const logs = capturingLogger();
    const bus = new EventBus();
    bus.useLogger(logs.log);
    const seen: string[] = [];
    bus.on('ingest.rejected', () => {
      throw new Error('sync listener bug');
    });
    bus.on('ingest.rejected', async () => {
      throw new Error('async listener bug');
    });
    bus.on('ingest.rejected', ({ reason }) => void seen.push(reason));
    expect(() => bus.emit('ingest.rejected', rejected)).not.toThrow();
    expect(seen).toEqual(['malformed']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(bus.listenerFailures).toBe(2);
    expect(logs.lines().filter((line) => line.event === 'ingest.rejected').map((line) => (line.err as { message: string }).message).sort()).toEqual(['async listener bug', 'sync listener bug']);
  });

  it('off removes a listener; once and next fire once', async () => {
    const bus = new EventBus();
    const calls: number[] = [];
    const listener = () => void calls.push(1);
    bus.on('ingest.rejected', listener);
    bus.once('ingest.rejected', () => void calls.push(2));
    const next = bus.next('ingest.rejected');
    bus.emit('ingest.rejected', rejected);
    bus.off('ingest.rejected', listener);
    bus.emit('ingest.rejected', rejected);
    expect(calls).toEqual([1, 2]);
    expect(await next).toEqual([rejected]);
    expect(bus.listenerCount('ingest.rejected')).toBe(0);
  });
});
