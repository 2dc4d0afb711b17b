import type { Database } from 'better-sqlite3';
import type { FeedbackToday } from '../../protocol/sync/heartbeat.ts';
import { FeedbackQueries } from '../ingest/feedback-queries.ts';

/**
 * Today's presses at the centre, counted from the presses table (indexed by
 * pressed_at) for the heartbeat, so the NOC's "satisfaction today" is live even while
 * last week's events are still draining.
 */
export class FeedbackTodayCounter {
  readonly #feedback: FeedbackQueries;
  readonly #timezone: string;

  constructor(db: Database, timezone: string) {
    this.#feedback = new FeedbackQueries(db);
    this.#timezone = timezone;
  }

  at(nowMs: number): FeedbackToday {
    const { day, startMs, endMs } = localDay(nowMs, this.#timezone);
    const byRating: FeedbackToday['byRating'] = { '1': 0, '2': 0, '3': 0, '4': 0 };
    let presses = 0;
    for (const row of this.#feedback.countsByRating(startMs, endMs)) {
      presses += row.count;
      // Misuse-flagged repeats are kept (invariant 6) but are not votes.
      if (!row.misuse) byRating[String(row.rating) as '1'] += row.count;
    }
    return { day, presses, byRating };
  }
}

/**
 * The local calendar day containing `nowMs` in `timezone`, as YYYY-MM-DD and its
 * bounds in epoch ms. Uses the zone's offset at `nowMs` (Africa/Nairobi has no DST;
 * a DST zone would be an hour off on its two change days).
 */
export function localDay(nowMs: number, timezone: string): { day: string; startMs: number; endMs: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(nowMs)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  const y = Number(parts.year);
  const m = Number(parts.month);
  const d = Number(parts.day);
  const localAsUtc = Date.UTC(y, m - 1, d, Number(parts.hour), Number(parts.minute), Number(parts.second));
  const offsetMs = localAsUtc - Math.floor(nowMs / 1000) * 1000;
  const startMs = Date.UTC(y, m - 1, d) - offsetMs;
  return { day: `${parts.year}-${parts.month}-${parts.day}`, startMs, endMs: startMs + 86_400_000 };
}
