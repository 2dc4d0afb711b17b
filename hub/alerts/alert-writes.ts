import type { AlertKind, AlertSubject } from '../../protocol/events/alerts.ts';
import type { WriteOperationRegistry, WriterContext } from '../store/writer/write-operations.ts';

/**
 * Raise an alert. For a subject with a ticket, the writer fills in the ticket's printed
 * number, service and officer from the `tickets` row in the same transaction, so the
 * alert names the ticket as it stood when it was rated.
 */
export interface AlertRaiseOp {
  kind: 'alertRaise';
  alertKind: AlertKind;
  subject: Partial<AlertSubject>;
  value: number;
  threshold: number;
  atMs: number;
}

/** End an active alert: `cleared` by the engine (the standard is met again) or `resolved` by staff with a note. */
export interface AlertEndOp {
  kind: 'alertEnd';
  alertId: number;
  to: 'cleared' | 'resolved';
  /** The measure at clearing time (cleared), unused for resolved. */
  value: number;
  note: string | null;
  by: string | null;
  atMs: number;
}

export type AlertEndResult = { outcome: 'ended'; eventSeq: number } | { outcome: 'unknown' } | { outcome: 'not_active'; state: string };

declare module '../store/writer/write-operations.ts' {
  interface WriteOperations {
    alertRaise: { op: AlertRaiseOp; result: { alertId: number; eventSeq: number; subject: AlertSubject } };
    alertEnd: { op: AlertEndOp; result: AlertEndResult };
  }
}

interface AlertRow {
  kind: AlertKind;
  state: string;
  counter_id: string | null;
  service_id: string | null;
  ticket_id: string | null;
  ticket_number: string | null;
  officer_id: string | null;
  threshold: number;
}

const subjectOf = (row: AlertRow): AlertSubject => ({ counterId: row.counter_id, serviceId: row.service_id, ticketId: row.ticket_id, ticketNumber: row.ticket_number, officerId: row.officer_id });

/**
 * The alerts in the writer thread: each row and its alert.* event commit together. The
 * table keeps no outbox seq, so it needs no outbox referrer (nothing to renumber).
 */
export function registerAlertWrites(registry: WriteOperationRegistry, context: WriterContext): void {
  const { db, outbox } = context;
  const ticket = db.prepare('SELECT number, service_id AS serviceId, officer_id AS officerId FROM tickets WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO alerts (kind, state, raised_at, counter_id, service_id, ticket_id, ticket_number, officer_id, value, threshold)
     VALUES (?, 'active', ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const read = db.prepare('SELECT kind, state, counter_id, service_id, ticket_id, ticket_number, officer_id, threshold FROM alerts WHERE id = ?');
  const end = db.prepare("UPDATE alerts SET state = ?, ended_at = ?, resolved_by = ?, note = ? WHERE id = ? AND state = 'active'");

  registry.register('alertRaise', {
    apply(op) {
      const row = op.subject.ticketId ? (ticket.get(op.subject.ticketId) as { number: string; serviceId: string; officerId: string | null } | undefined) : undefined;
      const subject: AlertSubject = {
        counterId: op.subject.counterId ?? null,
        serviceId: op.subject.serviceId ?? row?.serviceId ?? null,
        ticketId: op.subject.ticketId ?? null,
        ticketNumber: op.subject.ticketNumber ?? row?.number ?? null,
        officerId: op.subject.officerId ?? row?.officerId ?? null,
      };
      const alertId = Number(
        insert.run(op.alertKind, op.atMs, subject.counterId, subject.serviceId, subject.ticketId, subject.ticketNumber, subject.officerId, op.value, op.threshold).lastInsertRowid,
      );
      const eventSeq = outbox.append({ type: 'alert.raised', data: { alertId, kind: op.alertKind, subject, value: op.value, threshold: op.threshold } }, op.atMs);
      return { alertId, eventSeq, subject };
    },
  });

  registry.register('alertEnd', {
    apply(op) {
      const row = read.get(op.alertId) as AlertRow | undefined;
      if (!row) return { outcome: 'unknown' };
      if (row.state !== 'active') return { outcome: 'not_active', state: row.state };
      end.run(op.to, op.atMs, op.by, op.note, op.alertId);
      const subject = subjectOf(row);
      const eventSeq =
        op.to === 'resolved'
          ? outbox.append({ type: 'alert.resolved', data: { alertId: op.alertId, kind: row.kind, subject, note: op.note ?? '', by: op.by ?? 'hub' } }, op.atMs)
          : outbox.append({ type: 'alert.cleared', data: { alertId: op.alertId, kind: row.kind, subject, value: op.value, threshold: row.threshold } }, op.atMs);
      return { outcome: 'ended', eventSeq };
    },
  });
}
