// A generated day at the sample centre, run through the real queue engine in simulated
// time: a discrete-event simulation of visitors arriving at the kiosk and counters calling
// whenever they are free. The engine runs on a real SQLite file (openHubDatabase, as the
// writer thread opens it), each command in its own transaction as the writer commits it;
// time is QueueTime values built here, so a day takes seconds, not hours.
//
// What it measures: the wait the engine quoted each ticket at issue (ticket.quotedWait,
// which the engine works out counter by counter: QueueQueries.quoteWait) against the wait
// it actually had (first call − issue), and, as the baseline computed for the same tickets
// at the same moments, a naive estimate (people ahead × configured mean service time ÷
// counters serving the service). QueueReader.accuracy(day), the hub's own figure from the
// tickets table, is returned for a cross-check.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QueueCommand, QueueResult, QueueTime } from '../../hub/queue/commands.ts';
import { QueueEngine } from '../../hub/queue/engine/queue-engine.ts';
import { QueueReader, type WaitAccuracy } from '../../hub/queue/engine/queue-reader.ts';
import { openHubDatabase } from '../../hub/store/database.ts';
import { Outbox } from '../../hub/store/outbox.ts';
import type { TicketView, WaitRange } from '../../protocol/queue/ticket.ts';
import { lognormal, picker, seededRandom, type Category, type SampleCentre } from './centre.ts';

/** A Monday; Africa/Nairobi is UTC+3 all year (no DST). */
export const SIM_DAY = '2026-12-07';
const MIDNIGHT_MS = Date.parse(`${SIM_DAY}T00:00:00+03:00`);
const SIM_WEEKDAY = 0;

/** The QueueTime of `minute` minutes after local midnight of SIM_DAY. */
export function simTime(minute: number): QueueTime {
  return { atMs: MIDNIGHT_MS + Math.round(minute * 60_000), day: SIM_DAY, weekday: SIM_WEEKDAY, minuteOfDay: Math.floor(minute) };
}

export interface DayOptions {
  seed: number;
  /** Default: the sample centre's simulatedDay.visitors. */
  visitors?: number;
  /** Coefficient of variation of the lognormal service times. */
  serviceCv: number;
}

export interface SimTicket {
  id: string;
  serviceId: string;
  category: Category;
  issuedMin: number;
  calledMin: number;
  peopleAhead: number;
  /** The engine's quote at issue (ticket.quotedWait). */
  quote: WaitRange | null;
  /** The baseline: people ahead × configured mean ÷ counters serving the service, minutes. */
  naiveMin: number;
  /** Waiting tickets of every service when this one was issued. */
  waitingAtIssue: number;
}

export interface DayResult {
  seed: number;
  visitors: number;
  tickets: SimTicket[];
  /** QueueReader.accuracy(day): the hub's own figure, from the tickets table. */
  readerAccuracy: WaitAccuracy;
  /** Most tickets waiting at once (all services), and when (minutes after midnight). */
  peakWaiting: { total: number; atMin: number };
  /** Most tickets waiting at once per service. */
  peakWaitingByService: Map<string, number>;
  /** When the last ticket was called and the last counter finished (minutes after midnight). */
  lastCallMin: number;
  lastFinishMin: number;
  /** Share of the counters' time from opening to their last finish that they were serving. */
  counterBusyShare: number;
  /** Engine commands applied, and the wall time of the simulation. */
  commands: number;
  wallMs: number;
}

/** The arrival minutes of a day: each visitor's hour from arrivalShareByHour, uniform within it; sorted. */
function arrivals(centre: SampleCentre, visitors: number, random: () => number): number[] {
  const day = centre.config.simulatedDay as { arrivalShareByHour: Record<string, number> };
  const pickHour = picker(Object.entries(day.arrivalShareByHour).map(([hour, share]) => [Number(hour), share] as const));
  return Array.from({ length: visitors }, () => pickHour(random) * 60 + random() * 60).sort((a, b) => a - b);
}

export function simulateDay(centre: SampleCentre, options: DayOptions): DayResult {
  const started = performance.now();
  const random = seededRandom(options.seed);
  const visitors = options.visitors ?? Number((centre.config.simulatedDay as { visitors: number }).visitors);
  const dir = mkdtempSync(join(tmpdir(), 'huduma-bench-queue-day-'));
  const db = openHubDatabase(dir, { role: 'writer' });
  try {
    const engine = new QueueEngine(db, new Outbox(db), centre.rules);
    const reader = new QueueReader(db, centre.rules);
    let commands = 0;
    const apply = (command: QueueCommand, minute: number): Extract<QueueResult, { ok: true }> => {
      commands++;
      const time = simTime(minute);
      const result = db.transaction(() => engine.apply(command, time))();
      if (!result.ok) throw new Error(`simulated day: ${command.kind} refused at minute ${minute.toFixed(2)}: ${result.code}: ${result.message}`);
      return result;
    };

    const meanMin = new Map(centre.config.services.map((s) => [s.id, s.meanServiceMin]));
    const countersServing = new Map(centre.config.services.map((s) => [s.id, centre.config.counters.filter((c) => c.serviceIds.includes(s.id)).length]));
    const counters = centre.config.counters.map((c) => ({ id: c.id, serviceIds: new Set(c.serviceIds), busyUntil: null as number | null, busyMin: 0 }));
    const tickets = new Map<string, SimTicket>();
    const waiting = new Map<string, number>(centre.config.services.map((s) => [s.id, 0]));
    let waitingTotal = 0;
    const peakWaitingByService = new Map(waiting);
    const peakWaiting = { total: 0, atMin: 0 };
    let lastCallMin = 0;
    let lastFinishMin = 0;

    const called = (counter: (typeof counters)[number], ticket: TicketView | null, minute: number) => {
      if (!ticket) {
        counter.busyUntil = null;
        return;
      }
      const record = tickets.get(ticket.id)!;
      record.calledMin = minute;
      waiting.set(record.serviceId, waiting.get(record.serviceId)! - 1);
      waitingTotal--;
      lastCallMin = minute;
      const serviceMin = lognormal(random, meanMin.get(ticket.serviceId)!, options.serviceCv);
      counter.busyUntil = minute + serviceMin;
      counter.busyMin += serviceMin;
      lastFinishMin = Math.max(lastFinishMin, counter.busyUntil);
    };
    const callNext = (counter: (typeof counters)[number], minute: number) => called(counter, apply({ kind: 'call_next', counterId: counter.id, officerId: null }, minute).ticket, minute);

    const times = arrivals(centre, visitors, random);
    let next = 0;
    for (;;) {
      // The counter that frees first (a finish before an arrival at the same moment).
      let freeing: (typeof counters)[number] | null = null;
      for (const counter of counters) if (counter.busyUntil !== null && (freeing === null || counter.busyUntil < freeing.busyUntil!)) freeing = counter;
      const arrival = times[next];
      if (freeing === null && arrival === undefined) break;
      if (freeing !== null && (arrival === undefined || freeing.busyUntil! <= arrival)) {
        // The officer presses Next: the engine finishes the current ticket and calls the next.
        callNext(freeing, freeing.busyUntil!);
        continue;
      }
      next++;
      const minute = arrival!;
      const serviceId = centre.pickService(random);
      const category = centre.pickCategory(random);
      const language = random() < 0.5 ? 'en' : 'sw';
      const ticket = apply({ kind: 'issue', serviceId, category, language }, minute).ticket!;
      if (ticket.peopleAhead !== waiting.get(serviceId)) throw new Error(`simulated day: ticket ${ticket.id} has ${ticket.peopleAhead} people ahead, the simulation counts ${waiting.get(serviceId)}`);
      tickets.set(ticket.id, {
        id: ticket.id,
        serviceId,
        category,
        issuedMin: minute,
        calledMin: NaN,
        peopleAhead: ticket.peopleAhead,
        quote: ticket.quotedWait,
        naiveMin: (ticket.peopleAhead * meanMin.get(serviceId)!) / countersServing.get(serviceId)!,
        waitingAtIssue: waitingTotal,
      });
      waiting.set(serviceId, waiting.get(serviceId)! + 1);
      waitingTotal++;
      peakWaitingByService.set(serviceId, Math.max(peakWaitingByService.get(serviceId)!, waiting.get(serviceId)!));
      if (waitingTotal > peakWaiting.total) Object.assign(peakWaiting, { total: waitingTotal, atMin: minute });
      // An idle counter that serves the service calls it at once (one of them, at random).
      const idle = counters.filter((c) => c.busyUntil === null && c.serviceIds.has(serviceId));
      if (idle.length > 0) callNext(idle[Math.floor(random() * idle.length)]!, minute);
    }
    // Every counter pressed Next at the end of its last ticket (the engine finished it and
    // found nobody waiting): the loop ends only when no counter is busy.
    for (const ticket of tickets.values()) if (Number.isNaN(ticket.calledMin)) throw new Error(`simulated day: ticket ${ticket.id} was never called`);
    const openMin = Math.min(...times);
    const counterBusyShare = counters.reduce((sum, c) => sum + c.busyMin, 0) / (counters.length * (lastFinishMin - openMin));
    return {
      seed: options.seed,
      visitors,
      tickets: [...tickets.values()],
      readerAccuracy: reader.accuracy(SIM_DAY),
      peakWaiting,
      peakWaitingByService,
      lastCallMin,
      lastFinishMin,
      counterBusyShare,
      commands,
      wallMs: performance.now() - started,
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RangeFigures {
  tickets: number;
  /** Mean |actual − midpoint of the quoted range|, minutes. */
  maeMin: number;
  /** Share of actual waits inside the quoted range (inclusive, as QueueReader.accuracy). */
  withinShare: number;
  /** Mean (actual − midpoint): positive means the quote was too short. */
  biasMin: number;
  meanQuotedMidMin: number;
  /** Mean width of the quoted range, minutes. */
  meanWidthMin: number;
}

export interface AccuracyFigures {
  tickets: number;
  meanActualMin: number;
  /** The engine's quote (ticket.quotedWait). */
  engine: RangeFigures;
  /** The naive baseline (a point: no range). */
  naive: { maeMin: number; biasMin: number };
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
const actualWait = (t: SimTicket) => t.calledMin - t.issuedMin;

function rangeFigures(tickets: readonly SimTicket[]): RangeFigures {
  const quoted = tickets.filter((t): t is SimTicket & { quote: WaitRange } => t.quote !== null);
  const mid = (t: { quote: WaitRange }) => (t.quote.lowMin + t.quote.highMin) / 2;
  return {
    tickets: quoted.length,
    maeMin: mean(quoted.map((t) => Math.abs(actualWait(t) - mid(t)))),
    withinShare: mean(quoted.map((t) => (actualWait(t) >= t.quote.lowMin && actualWait(t) <= t.quote.highMin ? 1 : 0))),
    biasMin: mean(quoted.map((t) => actualWait(t) - mid(t))),
    meanQuotedMidMin: mean(quoted.map(mid)),
    meanWidthMin: mean(quoted.map((t) => t.quote.highMin - t.quote.lowMin)),
  };
}

/** The figures over `tickets`. Every ticket is quoted: the sim never closes a counter. */
export function accuracyOf(tickets: readonly SimTicket[]): AccuracyFigures {
  return {
    tickets: tickets.length,
    meanActualMin: mean(tickets.map(actualWait)),
    engine: rangeFigures(tickets),
    naive: { maeMin: mean(tickets.map((t) => Math.abs(actualWait(t) - t.naiveMin))), biasMin: mean(tickets.map((t) => actualWait(t) - t.naiveMin)) },
  };
}
