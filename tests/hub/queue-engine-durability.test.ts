import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueueCommand, QueueTime } from '../../hub/queue/commands.ts';
import { MONDAY, nairobi, QueueHarness } from './queue-fixture.ts';

let h: QueueHarness;
beforeEach(() => {
  h = new QueueHarness();
});
afterEach(() => h.close());

const at = (clock: string) => `${MONDAY}T${clock}`;
/** Monday 09:00 plus `seconds`. */
const tick = (seconds: number): QueueTime => {
  const base = nairobi(at('09:00'));
  return { ...base, atMs: base.atMs + seconds * 1000, minuteOfDay: base.minuteOfDay + Math.floor(seconds / 60) };
};

/** A small deterministic PRNG (LCG), so the mixes are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('queue engine: no duplicates, no gaps, restarts', () => {
  it('two counters with overlapping services calling alternately never get the same ticket', () => {
    const next = random(7);
    const categories = ['regular', 'regular', 'regular', 'elderly', 'disability', 'pregnancy'] as const;
    const issued: string[] = [];
    for (let i = 0; i < 60; i++) {
      const serviceId = i % 3 === 2 ? 'beta' : 'alpha';
      const category = categories[Math.floor(next() * categories.length)]!;
      issued.push(h.ok({ kind: 'issue', serviceId, category, language: 'en' }, tick(i))!.id);
    }
    const calledBy: Record<string, string[]> = { k1: [], k2: [] };
    let second = 100;
    for (let idle = 0; idle < 2; ) {
      idle = 0;
      for (const counterId of ['k1', 'k2']) {
        const ticket = h.ok({ kind: 'call_next', counterId, officerId: null }, tick(second++));
        if (ticket) calledBy[counterId]!.push(ticket.id);
        else idle++;
      }
    }
    const all = [...calledBy.k1!, ...calledBy.k2!];
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual([...issued].sort());
    // k1 serves alpha only; k2 took every beta ticket.
    expect(calledBy.k1!.every((id) => id.includes('-A'))).toBe(true);
    expect(calledBy.k1!.length).toBeGreaterThan(10);
    expect(h.db.prepare('SELECT COUNT(*) FROM ticket_visits').pluck().get()).toBe(60);
    expect(h.events().filter((e) => e.type === 'ticket.called')).toHaveLength(60);
  });

  it('500 issues committed in group-commit batches (a savepoint each, some failing) get unique gap-free numbers per prefix', () => {
    const next = random(42);
    const services = ['alpha', 'beta', 'gamma', 'delta'];
    h.ok({ kind: 'resume_service', serviceId: 'delta' }, tick(0));
    // As group-commit.ts does: one transaction per batch, each op in its own savepoint.
    const savepoint = h.db.transaction((fn: () => void) => fn());
    const batch = h.db.transaction((ops: Array<{ command: QueueCommand; time: QueueTime }>) => {
      let failed = 0;
      for (const op of ops) {
        try {
          savepoint(() => void h.engine.apply(op.command, op.time));
        } catch {
          failed++;
        }
      }
      return failed;
    });
    let failed = 0;
    for (let b = 0; b < 10; b++) {
      const ops = Array.from({ length: 55 }, (_, i) => {
        // Every 11th op is poison: it takes an alpha number, then its insert fails.
        const poison = i % 11 === 10;
        const serviceId = poison ? 'alpha' : services[Math.floor(next() * services.length)]!;
        const language = poison ? ('xx' as 'en') : 'en';
        return { command: { kind: 'issue', serviceId, category: 'regular', language } as QueueCommand, time: tick(b * 60 + i) };
      });
      failed += batch(ops);
    }
    expect(failed).toBe(50);
    // gamma is capped at 3 a day; the rest got every number from 1 up, none twice.
    const rows = h.db.prepare('SELECT prefix, seq_no, id FROM tickets ORDER BY prefix, seq_no').all() as Array<{ prefix: string; seq_no: number; id: string }>;
    const byPrefix = new Map<string, number[]>();
    for (const row of rows) byPrefix.set(row.prefix, [...(byPrefix.get(row.prefix) ?? []), row.seq_no]);
    for (const [prefix, numbers] of byPrefix) expect(numbers, prefix).toEqual(numbers.map((_, i) => i + 1));
    expect(byPrefix.get('C')).toEqual([1, 2, 3]);
    const issuedEvents = h.events().filter((e) => e.type === 'ticket.issued');
    expect(issuedEvents.map((e) => e.data.ticketId).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    expect(rows.length).toBeGreaterThan(300);
  });

  it('a restart keeps the queue: the counter current ticket, the waiting order and the priority run', () => {
    h.issue('alpha', at('09:00')); // A001 R1
    h.issue('alpha', at('09:01'), 'elderly'); // A002 P1
    h.issue('alpha', at('09:02'), 'elderly'); // A003 P2
    h.issue('alpha', at('09:03')); // A004 R2
    h.issue('alpha', at('09:04'), 'pregnancy'); // A005 P3
    h.issue('beta', at('09:05')); // B001
    expect(h.callNext('k1', at('09:10'))).toBe('A002');
    expect(h.callNext('k3', at('09:10'))).toBe('B001');
    h.ok({ kind: 'start', counterId: 'k3' }, at('09:11'));

    h.reopen();
    expect(h.reader.counters().map((c) => [c.id, c.current?.number ?? null, c.current?.status ?? null])).toEqual([
      ['k1', 'A002', 'called'],
      ['k2', null, null],
      ['k3', 'B001', 'serving'],
    ]);
    expect(h.ok({ kind: 'recall', counterId: 'k1' }, at('09:12'))).toMatchObject({ number: 'A002', calls: 2 });
    expect(h.callNext('k1', at('09:15'))).toBe('A003');
    h.reopen();
    // Two priority tickets in a row: the walk-in goes next, even across restarts.
    expect(h.callNext('k1', at('09:20'))).toBe('A001');
    h.reopen();
    expect(['09:25', '09:30', '09:35'].map((clock) => h.callNext('k1', at(clock)))).toEqual(['A005', 'A004', null]);
    expect(h.ok({ kind: 'finish', counterId: 'k3' }, at('09:40'))).toMatchObject({ number: 'B001', status: 'finished' });
  });
});
