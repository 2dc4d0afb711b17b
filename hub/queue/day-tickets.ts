import type { Database, Statement } from 'better-sqlite3';

/** One ticket of a local day as the daily report reads it (times in ms, null when not reached). */
export interface DayTicket {
  id: string;
  serviceId: string;
  status: 'waiting' | 'called' | 'serving' | 'finished' | 'no_show';
  issuedAt: number;
  firstCalledAt: number | null;
  startedAt: number | null;
  calledAt: number | null;
  finishedAt: number | null;
  counterId: string | null;
  officerId: string | null;
  transfers: number;
}

/**
 * The tickets of one local day (table `tickets`, the queue engine's): the queue owns its
 * SQL, the daily report (hub/reports) reads through here. `day` is the centre's local
 * day the ticket was issued on, set by the engine from the centre's zone.
 */
export class DayTicketQueries {
  readonly #byDay: Statement<[string]>;

  constructor(db: Database) {
    this.#byDay = db.prepare(`SELECT id, service_id AS serviceId, status, issued_at AS issuedAt, first_called_at AS firstCalledAt,
        started_at AS startedAt, called_at AS calledAt, finished_at AS finishedAt, counter_id AS counterId, officer_id AS officerId, transfers
      FROM tickets WHERE day = ? ORDER BY issued_at, id`);
  }

  ofDay(day: string): DayTicket[] {
    return this.#byDay.all(day) as DayTicket[];
  }
}
