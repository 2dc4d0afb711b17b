import type { CounterState } from '../../protocol/queue/api.ts';
import type { WaitRange } from '../../protocol/queue/ticket.ts';

/**
 * Measured service time of one service: an exponentially weighted mean and variance
 * (West 1979, "Updating mean and variance estimates"), so the estimate follows the
 * day (a slow agency system, a new officer) without keeping every sample.
 */
export interface ServiceTimeStats {
  meanS: number;
  varS2: number;
  samples: number;
}

/** Before any ticket is served: the configured mean, with a wide spread (CV 0.5). */
export function initialServiceTime(meanServiceMin: number): ServiceTimeStats {
  const meanS = meanServiceMin * 60;
  return { meanS, varS2: (0.5 * meanS) ** 2, samples: 0 };
}

export function updateServiceTime(stats: ServiceTimeStats, sampleS: number, alpha: number): ServiceTimeStats {
  const diff = sampleS - stats.meanS;
  const increment = alpha * diff;
  return { meanS: stats.meanS + increment, varS2: (1 - alpha) * (stats.varS2 + diff * increment), samples: stats.samples + 1 };
}

/** A counter as the counter-level estimate sees it. */
export interface CounterNow {
  serviceIds: readonly string[];
  state: CounterState;
  /**
   * The service of the ticket at the counter now (called or being served) and how long it
   * has been there, seconds; both null when the counter is free.
   */
  currentServiceId: string | null;
  currentForS: number | null;
}

export interface CounterWaitInput {
  /** The ticket's service. */
  serviceId: string;
  /**
   * The services of the tickets that will be called before this one (today's waiting
   * tickets of every service, in the order counters call them: priority and due
   * appointments first, then by arrival), one entry per ticket.
   */
  ahead: readonly string[];
  counters: readonly CounterNow[];
  /** Measured service time of each service (initialServiceTime for one not yet served). */
  stats: (serviceId: string) => ServiceTimeStats;
}

/** A ticket at the counter longer than its service's mean is expected to need at least this share of a mean more. */
const MIN_REMAINING_SHARE = 0.25;

/** How many standard deviations either side the counter-level range spans (calibrated by `npm run bench:queue` to ~70 % of waits inside). */
const COUNTER_SPREAD = 1.3;

/**
 * The wait of a new ticket, worked out counter by counter (list scheduling): the tickets
 * ahead are handed, in call order, each to the open counter serving its service that
 * frees first, at their service's mean time; a counter with a ticket now frees after
 * what is left of its mean. The ticket's wait is when the first counter serving its
 * service is free after that.
 *
 * A counter serves several services first come first served, so a ticket of a quiet
 * service waits behind the busy services sharing its counters, and a busy service's
 * queue is worked off by every counter serving it. A per-service estimate (position ×
 * mean ÷ a share of the counters) cannot see that: on the bench's simulated day
 * (docs/performance.md, Queue) it was off by 29 min on average, this by 8.
 *
 * The spread is the standard deviation of the service times queued at the counter that
 * takes the ticket (independent services: variances add). Null when no open counter
 * serves the service.
 */
export function estimateWaitAtCounters({ serviceId, ahead, counters, stats }: CounterWaitInput): WaitRange | null {
  const open = counters.filter((counter) => counter.state === 'open');
  const eligible = (id: string) => open.filter((counter) => counter.serviceIds.includes(id));
  const own = eligible(serviceId);
  if (own.length === 0) return null;
  const freeAtS = new Map<CounterNow, number>();
  const varS2 = new Map<CounterNow, number>();
  for (const counter of open) {
    if (counter.currentServiceId === null || counter.currentForS === null) {
      freeAtS.set(counter, 0);
      varS2.set(counter, 0);
      continue;
    }
    const current = stats(counter.currentServiceId);
    freeAtS.set(counter, Math.max(current.meanS - counter.currentForS, MIN_REMAINING_SHARE * current.meanS));
    varS2.set(counter, Math.max(0, current.varS2));
  }
  const servers = new Map<string, CounterNow[]>();
  for (const id of ahead) {
    let candidates = servers.get(id);
    if (!candidates) servers.set(id, (candidates = eligible(id)));
    // A ticket no open counter serves waits without holding anyone up.
    let first: CounterNow | null = null;
    for (const counter of candidates) if (first === null || freeAtS.get(counter)! < freeAtS.get(first)!) first = counter;
    if (first === null) continue;
    const service = stats(id);
    freeAtS.set(first, freeAtS.get(first)! + service.meanS);
    varS2.set(first, varS2.get(first)! + Math.max(0, service.varS2));
  }
  let taker = own[0]!;
  for (const counter of own) if (freeAtS.get(counter)! < freeAtS.get(taker)!) taker = counter;
  const expectedS = freeAtS.get(taker)!;
  const sdS = Math.sqrt(varS2.get(taker)!);
  const lowMin = Math.max(0, Math.floor((expectedS - COUNTER_SPREAD * sdS) / 60));
  const highMin = Math.max(lowMin + 1, Math.ceil((expectedS + COUNTER_SPREAD * sdS) / 60));
  return { lowMin, highMin };
}
