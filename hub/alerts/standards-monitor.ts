import type { Logger } from 'pino';
import type { AlertKind, AlertSubject } from '../../protocol/events/alerts.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { EventBus } from '../event-bus.ts';

/** One service's queue right now (hub/alerts/queue-measures.ts reads it from the store). */
export interface ServiceMeasure {
  serviceId: string;
  waiting: number;
  /** How long the longest-waiting ticket has waited, in minutes (0 with none waiting). */
  longestWaitMin: number;
}

/** The centre's standards (config `standards`, docs/alerts.md), per service with the centre's defaults. */
export interface StandardsRules {
  maxQueueLength: number;
  queueHysteresis: number;
  targetWaitMin: number;
  waitClearMarginMin: number;
  services: Record<string, { maxQueueLength?: number | undefined; targetWaitMin?: number | undefined }>;
}

/** Where the monitor raises and clears (the AlertBook in the hub). */
export interface AlertSink {
  raise(kind: AlertKind, subject: Partial<AlertSubject>, value: number, threshold: number): Promise<number>;
  clear(alertId: number, value: number): Promise<unknown>;
  /** The alerts active now (after a restart, the monitor takes over the ones it left). */
  list(state: 'active'): Array<{ id: number; kind: AlertKind; serviceId?: string }>;
}

type StandardKind = Extract<AlertKind, 'queue_too_long' | 'wait_over_target'>;

/** Per standard: the value, where it breaches (strictly above), and where it is met again (at or below). */
function limits(kind: StandardKind, m: ServiceMeasure, rules: StandardsRules): { value: number; threshold: number; clearAt: number } {
  const own = rules.services[m.serviceId] ?? {};
  if (kind === 'queue_too_long') {
    const max = own.maxQueueLength ?? rules.maxQueueLength;
    return { value: m.waiting, threshold: max, clearAt: max - rules.queueHysteresis };
  }
  const target = own.targetWaitMin ?? rules.targetWaitMin;
  return { value: m.longestWaitMin, threshold: target, clearAt: target - rules.waitClearMarginMin };
}

const KINDS: StandardKind[] = ['queue_too_long', 'wait_over_target'];

/**
 * The live standards (docs/alerts.md): after each queue change and on a clock tick (a
 * wait grows with no change at all), each service's measures are checked. An alert is
 * raised when a measure goes above its standard and cleared only once it is back at or
 * below the standard minus a margin, so a queue hovering at the limit does not flap.
 * Checks run one at a time, and a check asked for while one runs is folded into one
 * more, so a burst of queue changes costs at most two.
 */
export class StandardsMonitor {
  readonly #measure: () => ServiceMeasure[];
  readonly #rules: () => StandardsRules;
  readonly #sink: AlertSink;
  readonly #clock: Clock;
  readonly #bus: EventBus | null;
  readonly #intervalMs: number;
  readonly #log: Logger;
  /** `${kind} ${serviceId}` → the active alert's id. */
  readonly #active = new Map<string, number>();
  #running: Promise<void> | null = null;
  #again = false;
  #stopTick: (() => void) | null = null;
  readonly #onQueue = () => void this.check();

  constructor(options: { measure: () => ServiceMeasure[]; rules: () => StandardsRules; sink: AlertSink; clock: Clock; bus?: EventBus; intervalMs: number; log: Logger }) {
    this.#measure = options.measure;
    this.#rules = options.rules;
    this.#sink = options.sink;
    this.#clock = options.clock;
    this.#bus = options.bus ?? null;
    this.#intervalMs = options.intervalMs;
    this.#log = options.log;
  }

  start(): void {
    for (const alert of this.#sink.list('active')) {
      if ((KINDS as AlertKind[]).includes(alert.kind) && alert.serviceId) this.#active.set(`${alert.kind} ${alert.serviceId}`, alert.id);
    }
    this.#bus?.on('queue.changed', this.#onQueue);
    this.#stopTick = this.#clock.setRepeating(this.#onQueue, this.#intervalMs);
  }

  stop(): void {
    this.#bus?.off('queue.changed', this.#onQueue);
    this.#stopTick?.();
    this.#stopTick = null;
  }

  /** Ids of the alerts this monitor holds active, by `${kind} ${serviceId}`. */
  get active(): ReadonlyMap<string, number> {
    return this.#active;
  }

  /** Checks every service now; resolves once every raise and clear it caused is committed. */
  check(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          await this.#evaluate();
        } while (this.#again);
      } catch (error) {
        this.#log.error({ err: error }, 'a standards check failed; the next queue change or tick checks again');
      } finally {
        this.#running = null;
      }
    })();
    return this.#running;
  }

  async #evaluate(): Promise<void> {
    const rules = this.#rules();
    for (const measure of this.#measure()) {
      for (const kind of KINDS) {
        const key = `${kind} ${measure.serviceId}`;
        const { value, threshold, clearAt } = limits(kind, measure, rules);
        const alertId = this.#active.get(key);
        if (alertId === undefined && value > threshold) {
          this.#active.set(key, await this.#sink.raise(kind, { serviceId: measure.serviceId }, value, threshold));
        } else if (alertId !== undefined && value <= clearAt) {
          await this.#sink.clear(alertId, value);
          this.#active.delete(key);
        }
      }
    }
  }
}
