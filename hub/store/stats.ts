import type { Database, Statement } from 'better-sqlite3';
import type { BatchParticipant } from './group-commit.ts';

/**
 * All-time counters in the `stats` table. Increments made while a batch is applied are
 * staged in memory and written once per batch, inside its transaction, so a counter
 * never runs ahead of (or behind) the rows it counts.
 */
export class StatsCounters implements BatchParticipant {
  #staged = new Map<string, number>();
  readonly #upsert: Statement<[string, number]>;

  constructor(db: Database) {
    this.#upsert = db.prepare('INSERT INTO stats (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value');
  }

  /** Stage an increment; it lands with the current batch's COMMIT. */
  add(name: string, delta = 1): void {
    this.#staged.set(name, (this.#staged.get(name) ?? 0) + delta);
  }

  beforeCommit(): void {
    for (const [name, delta] of this.#staged) this.#upsert.run(name, delta);
    this.#staged.clear();
  }

  afterRollback(): void {
    this.#staged.clear();
  }
}

/** The committed counters. */
export function readStats(db: Database): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of db.prepare('SELECT name, value FROM stats').all() as { name: string; value: number }[]) out[row.name] = row.value;
  return out;
}
