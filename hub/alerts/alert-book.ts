import type { Database, Statement } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AlertKind, AlertSubject } from '../../protocol/events/alerts.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { Actor } from '../auth/access-tokens.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { EventBus, HubEvents } from '../event-bus.ts';
import type { StoreWriter } from '../store/writer/store-writer.ts';
import type { AlertEndResult } from './alert-writes.ts';

/** One alert as `GET /api/alerts` lists it (docs/alerts.md). */
export interface AlertView {
  id: number;
  kind: AlertKind;
  state: 'active' | 'cleared' | 'resolved';
  raisedAt: string;
  counterId?: string;
  serviceId?: string;
  ticketId?: string;
  ticketNumber?: string;
  officerId?: string;
  value: number;
  threshold: number;
  endedAt?: string;
  resolvedBy?: string;
  note?: string;
}

/** Poor is the lowest of the four buttons (docs/alerts.md, "poor_rating"). */
export const POOR_RATING = 1;
/** The most alerts one list answer holds: a busy week of poor ratings, newest first. */
export const MAX_ALERTS_LISTED = 1000;

interface AlertRow {
  id: number;
  kind: AlertKind;
  state: AlertView['state'];
  raised_at: number;
  counter_id: string | null;
  service_id: string | null;
  ticket_id: string | null;
  ticket_number: string | null;
  officer_id: string | null;
  value: number;
  threshold: number;
  ended_at: number | null;
  resolved_by: string | null;
  note: string | null;
}

function viewOf(row: AlertRow): AlertView {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    raisedAt: new Date(row.raised_at).toISOString(),
    ...(row.counter_id !== null && { counterId: row.counter_id }),
    ...(row.service_id !== null && { serviceId: row.service_id }),
    ...(row.ticket_id !== null && { ticketId: row.ticket_id }),
    ...(row.ticket_number !== null && { ticketNumber: row.ticket_number }),
    ...(row.officer_id !== null && { officerId: row.officer_id }),
    value: row.value,
    threshold: row.threshold,
    ...(row.ended_at !== null && { endedAt: new Date(row.ended_at).toISOString() }),
    ...(row.resolved_by !== null && { resolvedBy: row.resolved_by }),
    ...(row.note !== null && { note: row.note }),
  };
}

/**
 * The hub's alerts: raises a `poor_rating` follow-up for each stored press rated poor
 * that is not misuse (a misuse press is a button mashed inside the lock-out, not a
 * citizen's verdict), lists them, and lets staff resolve them with a note. Every change
 * goes through the writer with its alert.* event, so the Secretariat gets it too.
 */
export class AlertBook {
  readonly #writer: Pick<StoreWriter, 'write'>;
  readonly #clock: Clock;
  readonly #bus: EventBus;
  readonly #audit: AuditLog;
  readonly #log: Logger;
  readonly #active: Statement;
  readonly #all: Statement;
  readonly #onPress = ({ press }: HubEvents['press.stored'][0]) => this.#pressStored(press);

  constructor(options: { db: Database; writer: Pick<StoreWriter, 'write'>; clock: Clock; bus: EventBus; audit: AuditLog; log: Logger }) {
    this.#writer = options.writer;
    this.#clock = options.clock;
    this.#bus = options.bus;
    this.#audit = options.audit;
    this.#log = options.log;
    this.#active = options.db.prepare("SELECT * FROM alerts WHERE state = 'active' ORDER BY raised_at DESC, id DESC LIMIT ?");
    this.#all = options.db.prepare('SELECT * FROM alerts ORDER BY raised_at DESC, id DESC LIMIT ?');
  }

  start(): void {
    this.#bus.on('press.stored', this.#onPress);
  }

  stop(): void {
    this.#bus.off('press.stored', this.#onPress);
  }

  list(state: 'active' | 'all'): AlertView[] {
    return ((state === 'active' ? this.#active : this.#all).all(MAX_ALERTS_LISTED) as AlertRow[]).map(viewOf);
  }

  /** Raises one alert and announces it once committed; resolves with its id. */
  async raise(kind: AlertKind, subject: Partial<AlertSubject>, value: number, threshold: number): Promise<number> {
    const { alertId, subject: named } = await this.#writer.write({ kind: 'alertRaise', alertKind: kind, subject, value, threshold, atMs: this.#clock.now() });
    this.#log.info({ alertId, kind, subject: named, value, threshold }, `alert raised: ${kind}`);
    this.#bus.emit('alert.changed', { alertId, kind, state: 'active' });
    return alertId;
  }

  /** Clears an active alert whose standard is met again (the engine's call, not staff's). */
  async clear(alertId: number, value: number): Promise<AlertEndResult> {
    const result = await this.#writer.write({ kind: 'alertEnd', alertId, to: 'cleared', value, note: null, by: null, atMs: this.#clock.now() });
    if (result.outcome === 'ended') this.#bus.emit('alert.changed', { alertId, kind: null, state: 'cleared' });
    return result;
  }

  /** A staff member's follow-up: the alert ends as resolved with their note, and the action is on the audit trail. */
  async resolve(alertId: number, note: string, by: Actor): Promise<AlertEndResult> {
    const result = await this.#writer.write({ kind: 'alertEnd', alertId, to: 'resolved', value: 0, note, by: by.actor.slice(0, 64), atMs: this.#clock.now() });
    if (result.outcome !== 'ended') return result;
    await this.#audit.record(by, 'alert.resolved', String(alertId), { note: note.slice(0, 300) });
    this.#bus.emit('alert.changed', { alertId, kind: null, state: 'resolved' });
    return result;
  }

  #pressStored(press: HubEvents['press.stored'][0]['press']): Promise<unknown> | undefined {
    if (press.rating !== POOR_RATING || press.misuse) return undefined;
    // A failure here is logged by the bus; the press itself is already stored.
    return this.raise('poor_rating', { counterId: press.counterId, serviceId: press.serviceId ?? null, ticketId: press.ticketId ?? null }, press.rating, POOR_RATING);
  }
}
