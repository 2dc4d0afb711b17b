import type { AuditRecordedData } from '../../protocol/events/audit.ts';
import type { WriteOperationRegistry, WriterContext } from '../store/writer/write-operations.ts';

/** One staff action to record: a row in `audit_log` and an `audit.recorded` event. */
export interface AuditOp {
  kind: 'audit';
  entry: AuditRecordedData;
  atMs: number;
}

declare module '../store/writer/write-operations.ts' {
  interface WriteOperations {
    audit: { op: AuditOp; result: { id: number; eventSeq: number } };
  }
}

/**
 * The audit trail in the writer thread: the row the hub's page reads and the event the
 * Secretariat receives are written in one transaction, so neither holds an action the
 * other lacks. Audit rows are never pruned with the outbox: the centre keeps its trail
 * (a few hundred rows a day); they only follow a renumbered outbox.
 */
export function registerAuditWrites(registry: WriteOperationRegistry, context: WriterContext): void {
  const { db, outbox } = context;
  const insert = db.prepare('INSERT INTO audit_log (at, actor, action, target, details, event_seq) VALUES (?, ?, ?, ?, ?, ?)');
  const shift = db.prepare('UPDATE audit_log SET event_seq = event_seq + ? WHERE event_seq >= ?');

  context.addOutboxReferrer({
    name: 'audit',
    afterRenumber: (fromSeq, offset) => void shift.run(offset, fromSeq),
    pruneSynced: () => 0,
  });

  registry.register('audit', {
    apply(op) {
      const eventSeq = outbox.append({ type: 'audit.recorded', data: op.entry }, op.atMs);
      const { entry } = op;
      const id = Number(insert.run(op.atMs, entry.actor, entry.action, entry.target, JSON.stringify(entry.details), eventSeq).lastInsertRowid);
      return { id, eventSeq };
    },
  });
}
