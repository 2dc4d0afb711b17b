import { expect } from 'vitest';
import type { TicketView } from '../../protocol/queue/ticket.ts';
import { HubConfigSchema, type HubConfigInput } from '../../hub/config/schema.ts';
import type { QueueCommand, QueueResult, QueueTime } from '../../hub/queue/commands.ts';
import { QueueEngine, type QueueRules } from '../../hub/queue/engine/queue-engine.ts';
import { QueueReader } from '../../hub/queue/engine/queue-reader.ts';
import { openHubDatabase, type Database } from '../../hub/store/database.ts';
import { Outbox } from '../../hub/store/outbox.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * `2026-12-07T09:30` or `2026-12-07T09:30:15` in Africa/Nairobi (UTC+3, no DST) as
 * the QueueTime the main thread would compute. 2026-12-07 is a Monday.
 */
export function nairobi(local: string): QueueTime {
  const [date, clock] = local.split('T') as [string, string];
  const [hours, minutes] = clock.split(':').map(Number) as [number, number];
  return {
    atMs: Date.parse(`${clock.length === 5 ? `${local}:00` : local}+03:00`),
    day: date,
    weekday: (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7,
    minuteOfDay: hours * 60 + minutes,
  };
}

export const MONDAY = '2026-12-07';

/**
 * A small centre for the scripted tests:
 * - alpha (A), beta (B): open at all hours, no cap;
 * - gamma (C): Monday to Friday 08:00–17:00, 3 tickets a day;
 * - delta (D): suspended by the config.
 * Counters: k1 serves alpha; k2 serves alpha and beta; k3 serves beta.
 */
export function testRules(change: (config: HubConfigInput) => void = () => {}): QueueRules {
  const names = (en: string) => ({ en, sw: `${en} (sw)` });
  const input: HubConfigInput = {
    centre: { id: 'test-centre', name: names('Test centre') },
    services: [
      { id: 'alpha', prefix: 'A', agency: 'Agency A', icon: 'a', names: { en: 'Alpha permits', sw: 'Vibali vya Alpha' }, meanServiceMin: 5, targetWaitMin: 20 },
      { id: 'beta', prefix: 'B', agency: 'Agency B', icon: 'b', names: { en: 'Beta certificates', sw: 'Vyeti vya Beta' }, meanServiceMin: 4 },
      { id: 'gamma', prefix: 'C', agency: 'Agency C', icon: 'c', names: { en: 'Gamma licences', sw: 'Leseni za Gamma' }, dailyCap: 3, openingHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '08:00', close: '17:00' } },
      { id: 'delta', prefix: 'D', agency: 'Agency D', icon: 'd', names: { en: 'Delta records', sw: 'Kumbukumbu za Delta' }, suspended: { message: { en: 'The Delta system is down.', sw: 'Mfumo wa Delta haufanyi kazi.' } } },
    ],
    counters: [
      { id: 'k1', label: 'One', serviceIds: ['alpha'] },
      { id: 'k2', label: 'Two', serviceIds: ['alpha', 'beta'] },
      { id: 'k3', label: 'Three', serviceIds: ['beta'] },
    ],
  };
  change(input);
  const config = HubConfigSchema.parse(input);
  return { services: config.services, counters: config.counters, queue: config.queue };
}

export interface OutboxRow {
  seq: number;
  type: string;
  at: number;
  data: Record<string, unknown>;
}

/** A real hub database in a temp dir with the engine and reader on it, as in the writer thread. */
export class QueueHarness {
  readonly dir = tempDir('huduma-queue-test-');
  db!: Database;
  engine!: QueueEngine;
  reader!: QueueReader;
  rules: QueueRules;

  constructor(rules: QueueRules = testRules()) {
    this.rules = rules;
    this.#open();
  }

  #open(): void {
    this.db = openHubDatabase(this.dir.path, { role: 'writer' });
    this.engine = new QueueEngine(this.db, new Outbox(this.db), this.rules);
    this.reader = new QueueReader(this.db, this.rules);
  }

  /** Closes and opens the database file again (a restart), optionally with edited rules. */
  reopen(rules: QueueRules = this.rules): void {
    this.db.close();
    this.rules = rules;
    this.#open();
  }

  close(): void {
    this.db.close();
    this.dir.remove();
  }

  /** One command in its own transaction, as the writer thread commits it. */
  apply(command: QueueCommand, when: string | QueueTime): QueueResult {
    const time = typeof when === 'string' ? nairobi(when) : when;
    return this.db.transaction(() => this.engine.apply(command, time))();
  }

  /** Applies a command that must succeed; returns its ticket. */
  ok(command: QueueCommand, when: string | QueueTime): TicketView | null {
    const result = this.apply(command, when);
    if (!result.ok) expect.fail(`${command.kind} was refused: ${result.code}: ${result.message}`);
    return result.ticket;
  }

  issue(serviceId: string, when: string, category: 'regular' | 'elderly' | 'disability' | 'pregnancy' = 'regular'): TicketView {
    return this.ok({ kind: 'issue', serviceId, category, language: 'en' }, when)!;
  }

  /** Calls next at the counter; the called ticket's number, or null when nobody waits. */
  callNext(counterId: string, when: string): string | null {
    return this.ok({ kind: 'call_next', counterId, officerId: null }, when)?.number ?? null;
  }

  events(afterSeq = 0): OutboxRow[] {
    return (this.db.prepare('SELECT seq, type, at, data FROM outbox WHERE seq > ? ORDER BY seq').all(afterSeq) as Array<Omit<OutboxRow, 'data'> & { data: string }>).map((row) => ({ ...row, data: JSON.parse(row.data) }));
  }

  lastSeq(): number {
    return (this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM outbox').get() as { seq: number }).seq;
  }

  /** Every queue table and the outbox, to show a refusal changed nothing. */
  dump(): Record<string, unknown[]> {
    const tables = ['tickets', 'ticket_numbers', 'counter_state', 'service_state', 'service_time_stats', 'appointments', 'ticket_visits', 'ticket_calls', 'outbox'];
    return Object.fromEntries(tables.map((table) => [table, this.db.prepare(`SELECT * FROM ${table}`).all()]));
  }
}
