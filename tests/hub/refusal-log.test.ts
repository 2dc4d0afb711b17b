import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../runtime/clock.ts';
import { RefusalLog } from '../../hub/ingest/refusal-log.ts';
import { boundForLog, LOG_STRING_LIMIT } from '../../runtime/log-bounds.ts';
import { capturingLogger } from '../helpers/log-capture.ts';

describe('log lines an attacker cannot inflate', () => {
  it('bounds every string, array and nesting level of a log line, the message and errors included', () => {
    const logs = capturingLogger();
    const huge = 'A'.repeat(30_000);
    logs.log.warn({ clientId: huge, nested: { topic: huge, list: Array.from({ length: 1000 }, () => huge) }, err: new Error(huge) }, huge);
    const line = logs.text();
    expect(line.length).toBeLessThan(12_000);
    const parsed = logs.lines()[0]!;
    expect(parsed.clientId).toBe(`${'A'.repeat(LOG_STRING_LIMIT)}…[${30_000 - LOG_STRING_LIMIT} more chars]`);
    expect((parsed.nested as { list: string[] }).list).toHaveLength(21);
    expect(String(parsed.msg).length).toBeLessThan(LOG_STRING_LIMIT + 40);
    expect(String((parsed.err as { message: string }).message).length).toBeLessThan(LOG_STRING_LIMIT + 40);
  });

  it('keeps short values and secrets redaction as they were', () => {
    expect(boundForLog({ a: 'short', n: 5, b: [1, 2], d: { e: { f: 'x' } } })).toEqual({ a: 'short', n: 5, b: [1, 2], d: { e: { f: 'x' } } });
    const logs = capturingLogger();
    logs.log.info({ password: 'p'.repeat(500), deviceId: 'eifd-01' }, 'hello');
    expect(logs.lines()[0]).toMatchObject({ password: '[redacted]', deviceId: 'eifd-01', msg: 'hello' });
  });

  it('logs the first refusals of a reason each minute one by one, then one summary line', () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 7, 9, 0, 0));
    const logs = capturingLogger();
    const refusals = new RefusalLog(logs.log, clock);
    for (let i = 0; i < 10_000; i++) refusals.warn('unknown_device', { clientId: `c${i}` }, 'refused');
    refusals.warn('bad_password', { clientId: 'x' }, 'refused');
    expect(logs.lines()).toHaveLength(6);
    clock.advance(60_000);
    const lines = logs.lines();
    expect(lines).toHaveLength(7);
    expect(lines[6]).toMatchObject({ reason: 'unknown_device', notLogged: 9_995 });
    // A new minute logs one by one again.
    refusals.warn('unknown_device', { clientId: 'later' }, 'refused');
    expect(logs.lines().at(-1)).toMatchObject({ clientId: 'later', msg: 'refused' });
    // Nothing suppressed: nothing summed up at stop.
    refusals.stop();
    expect(logs.lines()).toHaveLength(8);
  });
});
