import type { Database, Statement } from 'better-sqlite3';
import type { Clock } from '../../runtime/clock.ts';
import { LocalCalendar } from '../queue/local-time.ts';
import type { ServiceMeasure } from './standards-monitor.ts';

/**
 * Each service's waiting count and longest wait today, read from the tickets table (the
 * partial index of waiting tickets makes it a small scan). A service with nobody
 * waiting is listed with zeros, so its alerts can clear.
 */
export class QueueMeasures {
  readonly #waiting: Statement;
  readonly #calendar: LocalCalendar;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock, timeZone: string) {
    this.#waiting = db.prepare("SELECT service_id AS serviceId, COUNT(*) AS waiting, MIN(arrived_at) AS oldest FROM tickets WHERE day = ? AND status = 'waiting' GROUP BY service_id");
    this.#calendar = new LocalCalendar(timeZone);
    this.#clock = clock;
  }

  now(serviceIds: readonly string[]): ServiceMeasure[] {
    const nowMs = this.#clock.now();
    const rows = new Map((this.#waiting.all(this.#calendar.at(nowMs).day) as Array<{ serviceId: string; waiting: number; oldest: number }>).map((r) => [r.serviceId, r]));
    return serviceIds.map((serviceId) => {
      const row = rows.get(serviceId);
      // Tenths of a minute: enough for a standard in minutes, and stable in events.
      const longestWaitMin = row ? Math.max(0, Math.round((nowMs - row.oldest) / 6_000) / 10) : 0;
      return { serviceId, waiting: row?.waiting ?? 0, longestWaitMin };
    });
  }
}
