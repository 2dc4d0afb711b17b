import type { Database, Statement } from 'better-sqlite3';

/** A stored press as the API shows it (times as ISO strings). */
export interface PressView {
  deviceId: string;
  counterId: string;
  rating: number;
  misuse: boolean;
  pressedAt: string;
  receivedAt: string;
  deviceAt: string | null;
  clockQuality: string;
  boot: string;
  deviceSeq: number;
  eventSeq: number;
  ticketId: string | null;
  serviceId: string | null;
}

/** A press as the daily report counts it (hub/reports). */
export interface PeriodPress {
  counterId: string;
  rating: 1 | 2 | 3 | 4;
  misuse: boolean;
  pressedAt: number;
  ticketId: string | null;
  serviceId: string | null;
}

/** Presses of one period counted by rating and misuse flag. */
export interface RatingCount {
  rating: 1 | 2 | 3 | 4;
  misuse: boolean;
  count: number;
}

interface PressRow extends Omit<PressView, 'misuse' | 'pressedAt' | 'receivedAt' | 'deviceAt'> {
  misuse: number;
  pressedAt: number;
  receivedAt: number;
  deviceAt: number | null;
}

/**
 * Reads of the stored feedback (table `presses`, ingest's): for the technician API, the
 * heartbeat's "feedback today" and, next, the manager's reports. Routes and other
 * features read presses through here, never with SQL of their own.
 */
export class FeedbackQueries {
  readonly #recent: Statement<[number]>;
  readonly #byRating: Statement<[number, number]>;
  readonly #between: Statement<[number, number]>;

  constructor(db: Database) {
    this.#recent = db.prepare(`SELECT device_id AS deviceId, counter_id AS counterId, rating, misuse, pressed_at AS pressedAt,
        received_at AS receivedAt, device_at AS deviceAt, clock_quality AS clockQuality, boot, device_seq AS deviceSeq, event_seq AS eventSeq,
        ticket_id AS ticketId, service_id AS serviceId
      FROM presses ORDER BY pressed_at DESC, id DESC LIMIT ?`);
    // pressed_at is indexed: a day's presses are read, not the table.
    this.#between = db.prepare(`SELECT counter_id AS counterId, rating, misuse, pressed_at AS pressedAt, ticket_id AS ticketId, service_id AS serviceId
      FROM presses WHERE pressed_at >= ? AND pressed_at < ? ORDER BY pressed_at, id`);
    this.#byRating = db.prepare('SELECT rating, misuse, COUNT(*) AS n FROM presses WHERE pressed_at >= ? AND pressed_at < ? GROUP BY rating, misuse');
  }

  /** The newest `limit` presses, newest press first. */
  recent(limit: number): PressView[] {
    const iso = (ms: number) => new Date(ms).toISOString();
    return (this.#recent.all(limit) as PressRow[]).map((row) => ({
      ...row,
      misuse: row.misuse === 1,
      pressedAt: iso(row.pressedAt),
      receivedAt: iso(row.receivedAt),
      deviceAt: row.deviceAt === null ? null : iso(row.deviceAt),
    }));
  }

  /** Every press pressed in [startMs, endMs), misuse-flagged ones included, oldest first. */
  between(startMs: number, endMs: number): PeriodPress[] {
    return (this.#between.all(startMs, endMs) as Array<Omit<PeriodPress, 'misuse'> & { misuse: number }>).map((row) => ({ ...row, misuse: row.misuse === 1 }));
  }

  /** Presses pressed in [startMs, endMs), by rating and misuse flag. */
  countsByRating(startMs: number, endMs: number): RatingCount[] {
    return (this.#byRating.all(startMs, endMs) as Array<{ rating: 1 | 2 | 3 | 4; misuse: number; n: number }>).map((row) => ({ rating: row.rating, misuse: row.misuse === 1, count: row.n }));
  }
}
