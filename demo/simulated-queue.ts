import type { HubConfig } from '../hub/config/schema.ts';
import type { Logger } from '../hub/logger.ts';
import type { QueueSeam } from '../hub/queue-seam.ts';

export interface SimulatedQueueOptions {
  /** The hub's queue seam: the kiosk's use case and the counters' commands. */
  queue: QueueSeam;
  config: HubConfig;
  /** Counters the simulation works; the others are left to people at the console. */
  counterIds: string[];
  /** Mean time between simulated citizens at the kiosk. */
  meanArrivalMs: number;
  log: Logger;
}

/**
 * Life in the demo hall: citizens take tickets now and then and the simulated
 * counters call and finish them, so the hall board, the NOC page and the feedback
 * devices (whose presses then rate real tickets) have something to show. It runs the
 * same use cases the HTTP API does, so every ticket is a real one in the outbox.
 */
export class SimulatedQueue {
  readonly #o: SimulatedQueueOptions;
  readonly #timers = new Set<NodeJS.Timeout>();
  #stopped = false;

  constructor(options: SimulatedQueueOptions) {
    this.#o = options;
  }

  start(): void {
    this.#after(this.#o.meanArrivalMs, () => this.#arrive());
    for (const counterId of this.#o.counterIds) this.#after(this.#o.meanArrivalMs * 2, () => this.#serve(counterId));
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  async #arrive(): Promise<void> {
    const services = this.#o.config.services;
    const service = services[Math.floor(Math.random() * services.length)]!;
    const category = Math.random() < 0.08 ? 'elderly' : 'regular';
    // As the kiosk does: no ticket while the printer is out.
    await this.#o.queue.issue.issue({ kind: 'issue', serviceId: service.id, category, language: Math.random() < 0.5 ? 'sw' : 'en' }).catch(() => null);
    this.#after(this.#o.meanArrivalMs, () => this.#arrive());
  }

  /** Call next (which finishes the previous ticket), then serve for a while. */
  async #serve(counterId: string): Promise<void> {
    const result = await this.#o.queue.commands.run({ kind: 'call_next', counterId, officerId: null }).catch((error: Error) => {
      this.#o.log.debug({ err: error, counterId }, 'simulated counter could not call');
      return null;
    });
    const busy = result?.ok && result.ticket;
    this.#after(busy ? this.#o.meanArrivalMs * this.#o.counterIds.length : this.#o.meanArrivalMs, () => this.#serve(counterId));
  }

  /** Exponentially distributed delays with mean `meanMs`: arrivals at random, like people. */
  #after(meanMs: number, fn: () => Promise<void>): void {
    if (this.#stopped) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      void fn();
    }, Math.min(-Math.log(1 - Math.random()) * meanMs, meanMs * 5));
    timer.unref();
    this.#timers.add(timer);
  }
}
