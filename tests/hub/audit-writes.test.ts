import { afterEach, describe, expect, it } from 'vitest';
import { registerAuditWrites } from '../../hub/audit/audit-writes.ts';
import { Outbox } from '../../hub/store/outbox.ts';
import { openHubDatabase } from '../../hub/store/database.ts';
import { StatsCounters } from '../../hub/store/stats.ts';
import { registerStoreOperations, WriteOperationRegistry, type OutboxReferrer, type WriteOp, type WriterContext } from '../../hub/store/writer/write-operations.ts';
import { registerSyncWrites } from '../../hub/sync/sync-writes.ts';
import { tempDir } from '../helpers/temp-dir.ts';

let dir: ReturnType<typeof tempDir>;
afterEach(() => dir?.remove());

/** The writer thread's registry in this thread, each op in its own transaction (as one batch of one). */
function writerInProcess() {
  dir = tempDir('huduma-audit-writes-');
  const db = openHubDatabase(dir.path, { role: 'cli' });
  const referrers: OutboxReferrer[] = [];
  const context: WriterContext = { db, outbox: new Outbox(db), stats: new StatsCounters(db), addParticipant: () => {}, addOutboxReferrer: (r) => void referrers.push(r), outboxReferrers: referrers };
  const registry = new WriteOperationRegistry();
  registerStoreOperations(registry, context);
  registerSyncWrites(registry, context);
  registerAuditWrites(registry, context);
  const run = (op: WriteOp): unknown => {
    let answer: unknown;
    const item = registry.item(op, (error, result) => {
      if (error) throw error;
      answer = result;
    });
    db.transaction(() => item.apply(db))();
    item.done(null);
    return answer;
  };
  return { db, run };
}

describe('audit writes (docs/security.md, "Audit trail")', () => {
  it('an action is one audit_log row and one audit.recorded event, committed together', () => {
    const { db, run } = writerInProcess();
    run({ kind: 'event', event: { type: 'printer.status', data: { state: 'ready', previous: null, reason: null, pendingPrints: 0 } }, atMs: 1000 });
    const result = run({ kind: 'audit', entry: { actor: 'amina', action: 'device.command', target: 'eifd-c01', details: { op: 'identify' } }, atMs: 2000 });
    expect(result).toEqual({ id: 1, eventSeq: 2 });
    expect(db.prepare('SELECT at, actor, action, target, details, event_seq FROM audit_log').all()).toEqual([
      { at: 2000, actor: 'amina', action: 'device.command', target: 'eifd-c01', details: '{"op":"identify"}', event_seq: 2 },
    ]);
    const event = db.prepare('SELECT type, data FROM outbox WHERE seq = 2').get() as { type: string; data: string };
    expect(event.type).toBe('audit.recorded');
    expect(JSON.parse(event.data)).toEqual({ actor: 'amina', action: 'device.command', target: 'eifd-c01', details: { op: 'identify' } });
  });

  it('audit rows follow a renumbered outbox and are never pruned with it', () => {
    const { db, run } = writerInProcess();
    for (let i = 0; i < 3; i++) run({ kind: 'audit', entry: { actor: 'otieno', action: 'service.suspended', target: `s${i}`, details: {} }, atMs: 1000 + i });
    run({ kind: 'renumber', fromSeq: 2, afterSeq: 10, epoch: 'e2' });
    expect(db.prepare('SELECT target, event_seq AS seq FROM audit_log ORDER BY id').all()).toEqual([
      { target: 's0', seq: 1 },
      { target: 's1', seq: 11 },
      { target: 's2', seq: 12 },
    ]);
    const seqs = (db.prepare('SELECT seq FROM outbox ORDER BY seq').all() as Array<{ seq: number }>).map((r) => r.seq);
    expect(seqs).toEqual([1, 11, 12]);
    const pruned = run({ kind: 'prune', ackedThroughSeq: 12, outboxBeforeMs: 10_000, pressesBeforeMs: 10_000, limit: 100 }) as { pruned: Record<string, number> };
    expect(pruned.pruned).toMatchObject({ outbox: 3, audit: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: 3 });
  });
});
