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

/**
 * Counters working on a service: each open counter counts as 1/k of a server for each
 * of the k services it serves. Paused and closed counters serve nobody.
 */
export function effectiveServers(serviceId: string, counters: ReadonlyArray<{ serviceIds: readonly string[]; state: CounterState }>): number {
  let servers = 0;
  for (const counter of counters) {
    if (counter.state === 'open' && counter.serviceIds.includes(serviceId)) servers += 1 / counter.serviceIds.length;
  }
  return servers;
}

export interface WaitInput {
  /** Tickets of the service waiting ahead of this one. */
  ahead: number;
  stats: ServiceTimeStats;
  servers: number;
}

/** How many standard deviations either side the range spans (~70 % of waits inside). */
const SPREAD = 1;

/**
 * The wait of a ticket with `ahead` tickets before it: those tickets' service times
 * shared across the servers, plus on average half a service for the ones being served
 * now; the spread grows with the square root of the tickets ahead (a sum of independent
 * service times). Whole minutes, low rounded down, high up, at least a minute apart.
 * Null when no open counter serves the service: no honest number exists.
 */
export function estimateWait({ ahead, stats, servers }: WaitInput): WaitRange | null {
  if (!(servers > 0)) return null;
  const expectedS = ((ahead + 0.5) * stats.meanS) / servers;
  const sdS = (Math.sqrt(ahead + 1) * Math.sqrt(Math.max(0, stats.varS2))) / servers;
  const lowMin = Math.max(0, Math.floor((expectedS - SPREAD * sdS) / 60));
  const highMin = Math.max(lowMin + 1, Math.ceil((expectedS + SPREAD * sdS) / 60));
  return { lowMin, highMin };
}
