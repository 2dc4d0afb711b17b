import type { DailyReport, ServiceReport } from '../../protocol/reports/daily-report.ts';
import type { PeriodPress } from '../ingest/feedback-queries.ts';
import type { DayTicket } from '../queue/day-tickets.ts';
import { localHour } from './local-day.ts';

/**
 * The centre default for a service's target wait when the config sets none
 * (`services[].targetWaitMin`): the Huduma Charter's 20 minutes (docs/reports.md).
 */
export const DEFAULT_TARGET_WAIT_MIN = 20;

export interface DailyReportInput {
  centreId: string;
  date: string;
  timezone: string;
  startMs: number;
  endMs: number;
  generatedAtMs: number;
  services: ReadonlyArray<{ id: string; targetWaitMin?: number | undefined }>;
  counterIds: readonly string[];
  /** The tickets issued on the local day. */
  tickets: readonly DayTicket[];
  /** Every press of the local day, misuse-flagged ones included. */
  presses: readonly PeriodPress[];
}

type Tally = { total: number; byRating: { '1': number; '2': number; '3': number; '4': number } };

/**
 * The daily report from the day's tickets and presses (docs/reports.md defines each
 * figure). Pure: the same facts give the same report, so it can be recomputed from the
 * events anywhere (the Secretariat holds the same ticket.* and feedback.pressed events).
 */
export function computeDailyReport(input: DailyReportInput): DailyReport {
  const { tickets, presses } = input;
  const served = tickets.filter((t) => t.status === 'finished');
  const ticketById = new Map(tickets.map((t) => [t.id, t]));
  const counted = presses.filter((p) => !p.misuse);
  // Grouped once: a 10x busy day (15 000 tickets) must not be filtered per service and counter.
  const ticketsOf = groupBy(tickets, (t) => t.serviceId);
  const pressesOf = groupBy(presses, (p) => p.serviceId);
  const servedAt = groupBy(served, (t) => t.counterId);
  const countedAt = groupBy(counted, (p) => p.counterId);

  const services: ServiceReport[] = input.services.map((service) => {
    const own = ticketsOf.get(service.id) ?? [];
    const targetWaitMin = service.targetWaitMin ?? DEFAULT_TARGET_WAIT_MIN;
    const waits = sorted(own.filter((t) => t.firstCalledAt !== null).map((t) => seconds(t.firstCalledAt! - t.issuedAt)));
    const serviceTimes = sorted(own.filter((t) => t.status === 'finished').map(serviceSeconds));
    const servicePresses = pressesOf.get(service.id) ?? [];
    return {
      serviceId: service.id,
      issued: own.length,
      served: own.filter((t) => t.status === 'finished').length,
      noShow: own.filter((t) => t.status === 'no_show').length,
      targetWaitMin,
      waitP50S: percentile(waits, 50),
      waitP90S: percentile(waits, 90),
      waitMaxS: waits.length ? waits[waits.length - 1]! : null,
      withinTargetPct: percent(waits.filter((w) => w <= targetWaitMin * 60).length, waits.length),
      serviceP50S: percentile(serviceTimes, 50),
      serviceP90S: percentile(serviceTimes, 90),
      feedback: { ...tally(servicePresses.filter((p) => !p.misuse)), misuse: servicePresses.filter((p) => p.misuse).length },
    };
  });

  const counterIds = [...new Set([...input.counterIds, ...served.map((t) => t.counterId!), ...presses.map((p) => p.counterId)])];
  const counters = counterIds.map((counterId) => ({
    counterId,
    served: servedAt.get(counterId)?.length ?? 0,
    feedback: tally(countedAt.get(counterId) ?? []),
  }));

  // A press names its ticket; the ticket names the officer who called it.
  const officerOf = (p: PeriodPress) => (p.ticketId === null ? null : (ticketById.get(p.ticketId)?.officerId ?? null));
  const servedBy = groupBy(served, (t) => t.officerId);
  const ratedFor = groupBy(counted, officerOf);
  const officerIds = [...new Set([...servedBy.keys(), ...ratedFor.keys()].filter((id): id is string => id !== null))].sort();
  const officers = officerIds.map((officerId) => ({
    officerId,
    served: servedBy.get(officerId)?.length ?? 0,
    feedback: tally(ratedFor.get(officerId) ?? []),
  }));

  const all = tally(counted);
  const servedIds = new Set(served.map((t) => t.id));
  const ratedServed = new Set(counted.map((p) => p.ticketId).filter((id): id is string => id !== null && servedIds.has(id)));
  return {
    centreId: input.centreId,
    date: input.date,
    timezone: input.timezone,
    from: new Date(input.startMs).toISOString(),
    to: new Date(input.endMs).toISOString(),
    generatedAt: new Date(input.generatedAtMs).toISOString(),
    tickets: {
      issued: tickets.length,
      served: served.length,
      noShow: tickets.filter((t) => t.status === 'no_show').length,
      transferred: tickets.filter((t) => t.transfers > 0).length,
      waitingAtClose: tickets.filter((t) => t.status === 'waiting' || t.status === 'called' || t.status === 'serving').length,
    },
    services,
    counters,
    officers,
    feedback: {
      ...all,
      misuse: presses.length - counted.length,
      satisfactionPct: percent(all.byRating['3'] + all.byRating['4'], all.total),
      ratedSharePct: percent(ratedServed.size, served.length),
    },
    peakHour: peakHour(tickets, input.timezone),
  };
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function tally(presses: readonly PeriodPress[]): Tally {
  const byRating = { '1': 0, '2': 0, '3': 0, '4': 0 };
  for (const p of presses) byRating[String(p.rating) as keyof typeof byRating]++;
  return { total: presses.length, byRating };
}

/** From the start (or, never started, from the last call) to the finish: as ticket.finished's serviceS. */
function serviceSeconds(t: DayTicket): number {
  return seconds(t.finishedAt! - (t.startedAt ?? t.calledAt ?? t.finishedAt!));
}

function seconds(ms: number): number {
  return Math.max(0, Math.round(ms / 1000));
}

function sorted(values: number[]): number[] {
  return values.sort((a, b) => a - b);
}

/** Nearest rank: the smallest value with at least p% of values at or below it. */
export function percentile(sortedValues: readonly number[], p: number): number | null {
  if (sortedValues.length === 0) return null;
  return sortedValues[Math.max(0, Math.ceil((p / 100) * sortedValues.length) - 1)]!;
}

/** A share in percent with one decimal; null when there is nothing to share out. */
function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 10;
}

function peakHour(tickets: readonly DayTicket[], timeZone: string): DailyReport['peakHour'] {
  const byHour = new Map<number, number>();
  // Every zone's offset is a whole number of quarter hours, so one local-hour lookup per
  // quarter hour (Intl is slow: 15 000 lookups took about 300 ms, docs/performance.md).
  const hourOfQuarter = new Map<number, number>();
  for (const t of tickets) {
    const quarter = Math.floor(t.issuedAt / 900_000);
    let hour = hourOfQuarter.get(quarter);
    if (hour === undefined) hourOfQuarter.set(quarter, (hour = localHour(quarter * 900_000, timeZone)));
    byHour.set(hour, (byHour.get(hour) ?? 0) + 1);
  }
  let best: DailyReport['peakHour'] = null;
  for (const [hour, issued] of [...byHour].sort((a, b) => a[0] - b[0])) if (!best || issued > best.issued) best = { hour, issued };
  return best;
}
