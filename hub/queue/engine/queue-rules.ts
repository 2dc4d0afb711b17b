import type { Database } from 'better-sqlite3';
import type { CounterConfig, QueueConfig, ServiceConfig } from '../../config/schema.ts';
import type { Outbox } from '../../store/outbox.ts';
import type { QueueQueries } from './queue-queries.ts';

/** The parts of the centre config the queue runs on. Plain data: it crosses to the writer thread. */
export interface QueueRules {
  services: ServiceConfig[];
  counters: CounterConfig[];
  queue: QueueConfig;
}

/**
 * The rules, indexed by id for the engine and the reader. One instance is shared by
 * every part of the engine (and of the reader), so `replace` swaps the rules for all
 * of them at once: a live config change (docs/live-config.md) between two commands.
 */
export class RuleBook {
  #rules!: QueueRules;
  #services!: Map<string, ServiceConfig>;
  #counters!: Map<string, CounterConfig>;

  constructor(rules: QueueRules) {
    this.replace(rules);
  }

  replace(rules: QueueRules): void {
    this.#rules = rules;
    this.#services = new Map(rules.services.map((service) => [service.id, service]));
    this.#counters = new Map(rules.counters.map((counter) => [counter.id, counter]));
  }

  get rules(): QueueRules {
    return this.#rules;
  }

  get queue(): QueueConfig {
    return this.#rules.queue;
  }

  service(id: string): ServiceConfig | undefined {
    return this.#services.get(id);
  }

  counter(id: string): CounterConfig | undefined {
    return this.#counters.get(id);
  }

  get services(): readonly ServiceConfig[] {
    return this.#rules.services;
  }

  get counters(): readonly CounterConfig[] {
    return this.#rules.counters;
  }
}

/** What every part of the engine works with: the writer connection, its outbox, the rules. */
export interface QueueContext {
  db: Database;
  outbox: Outbox;
  rules: RuleBook;
  queries: QueueQueries;
}
