import type { Database, Statement } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AuditAction, AuditRecordedData } from '../../protocol/events/audit.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { Actor } from '../auth/access-tokens.ts';
import type { StoreWriter } from '../store/writer/store-writer.ts';
import type { AuditOp } from './audit-writes.ts';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: AuditAction;
  target: string | null;
  details: AuditRecordedData['details'];
  eventSeq: number;
}


export const MAX_AUDIT_PAGE = 500;

/**
 * The centre's audit trail (docs/security.md, "Audit trail"): routes record each staff
 * action through the writer, so the row and its `audit.recorded` event commit together
 * or not at all, and read the newest first for the technician page.
 */
export class AuditLog {
  readonly #writer: Pick<StoreWriter, 'write'>;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #newest: Statement;

  constructor(options: { db: Database; writer: Pick<StoreWriter, 'write'>; clock: Clock; log: Logger }) {
    this.#writer = options.writer;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#newest = options.db.prepare('SELECT id, at, actor, action, target, details, event_seq AS eventSeq FROM audit_log ORDER BY id DESC LIMIT ?');
  }

  /**
   * Records one action and resolves once it is committed. A route awaits it before it
   * answers, so an action the caller saw succeed is on the trail; when the store cannot
   * write, the error reaches the caller (a 503), not a silent gap.
   */
  async record(by: Actor, action: AuditAction, target: string | null, details: AuditRecordedData['details'] = {}): Promise<void> {
    const entry: AuditRecordedData = { actor: by.actor.slice(0, 64), action, target: target === null ? null : target.slice(0, 64), details };
    const op: AuditOp = { kind: 'audit', entry, atMs: this.#clock.now() };
    await this.#writer.write(op);
    this.#log.info({ audit: entry }, `audit: ${entry.actor} ${action}${target === null ? '' : ` ${target}`}`);
  }

  /** The newest `limit` entries, newest first. */
  newest(limit: number): AuditEntry[] {
    const rows = this.#newest.all(Math.min(Math.max(1, limit), MAX_AUDIT_PAGE)) as Array<Omit<AuditEntry, 'at' | 'details'> & { at: number; details: string }>;
    return rows.map((row) => ({ ...row, at: new Date(row.at).toISOString(), details: JSON.parse(row.details) as AuditEntry['details'] }));
  }
}
