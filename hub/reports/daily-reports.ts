import type { Database } from 'better-sqlite3';
import type { DailyReport } from '../../protocol/reports/daily-report.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { LiveConfig } from '../config/live-config.ts';
import { FeedbackQueries } from '../ingest/feedback-queries.ts';
import { DayTicketQueries } from '../queue/day-tickets.ts';
import { computeDailyReport } from './daily-report.ts';
import { localDate, localDayBounds } from './local-day.ts';

/**
 * The hub's daily reports: the day's facts read through the queue's and ingest's own
 * queries, then computed by computeDailyReport. The day is the centre's local day
 * (centre.timezone), "today" by the injected clock (docs/reports.md).
 */
export class DailyReports {
  readonly #tickets: DayTicketQueries;
  readonly #presses: FeedbackQueries;
  readonly #live: LiveConfig;
  readonly #clock: Clock;

  constructor(deps: { db: Database; live: LiveConfig; clock: Clock }) {
    this.#tickets = new DayTicketQueries(deps.db);
    this.#presses = new FeedbackQueries(deps.db);
    this.#live = deps.live;
    this.#clock = deps.clock;
  }

  today(): string {
    return localDate(this.#clock.now(), this.#live.current.centre.timezone);
  }

  forDate(date: string): DailyReport {
    const config = this.#live.current;
    const timezone = config.centre.timezone;
    const { startMs, endMs } = localDayBounds(date, timezone);
    return computeDailyReport({
      centreId: config.centre.id,
      date,
      timezone,
      startMs,
      endMs,
      generatedAtMs: this.#clock.now(),
      services: config.services,
      counterIds: config.counters.map((c) => c.id),
      tickets: this.#tickets.ofDay(date),
      presses: this.#presses.between(startMs, endMs),
    });
  }
}
