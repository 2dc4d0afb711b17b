// npm run bench:queue (issue 5): the queue's two bench figures, each next to a baseline
// measured in the same run.
// 1. Ticket request → response at 20 tickets/s with 10 counters calling: the real hub
//    process over HTTP, open loop (http-load.ts); baseline: the same rate of an
//    authenticated GET /api/tickets/{id} alone on the same server.
// 2. Wait-estimate accuracy on generated days: the quotes the queue engine gives, on a real
//    SQLite file in simulated time (day.ts); baseline: a naive estimate for the same
//    tickets; cross-check: QueueReader.accuracy must give the engine's figures.
// Prints a report and, last, one line of JSON with the headline figures. See
// docs/performance.md. Options: --rate 20 --seconds 30 --prefill 10 --warmup 5 --probe-rate 2
// --days 5 --visitors N (default: the sample centre's) --quiet-visitors 1000 --cv 0.5
// --seed 1 --phases http,day. Also `--rate=N`.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { latencyOf, mb, percentile, r2, type Latency } from '../bridge/wait.ts';
import { cleanUpOnInterrupt, killAll } from '../sync/processes.ts';
import { sampleCentre } from './centre.ts';
import { accuracyOf, simulateDay, type DayResult, type SimTicket } from './day.ts';
import { runHttpLoad, type HttpResult } from './http-load.ts';
import type { Sample } from './load.ts';

const argv = process.argv.slice(2);
const args = new Map<string, string>();
for (let i = 0; i < argv.length; i++) {
  const [key, value] = argv[i]!.replace(/^--/, '').split('=') as [string, string | undefined];
  args.set(key, value ?? argv[++i] ?? '');
}
const num = (name: string, fallback: number) => {
  const value = Number(args.get(name) ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
  return value;
};
const RATE = num('rate', 20);
const SECONDS = num('seconds', 30);
const PREFILL = num('prefill', 10);
const WARMUP = num('warmup', 5);
const PROBE_RATE = num('probe-rate', 2);
const DAYS = num('days', 5);
const CV = num('cv', 0.5);
const SEED = num('seed', 1);
const QUIET_VISITORS = num('quiet-visitors', 1000);
const PHASES = new Set((args.get('phases') ?? 'http,day').split(','));

const out = (line: string) => process.stdout.write(`${line}\n`);
const centre = sampleCentre();
const VISITORS = num('visitors', Number((centre.config.simulatedDay as { visitors: number }).visitors));
const root = mkdtempSync(join(tmpdir(), 'huduma-bench-queue-'));
cleanUpOnInterrupt(root);

const latency = (samples: readonly Sample[]): Latency => latencyOf(samples.map((s) => s.latencyMs));
const row = (label: string, l: Latency, extra = '') =>
  l.n === 0 ? out(`  ${label.padEnd(44)}     0`) : out(`  ${label.padEnd(44)} ${String(l.n).padStart(5)}  p50 ${l.p50.toFixed(2).padStart(6)} ms  p99 ${l.p99.toFixed(2).padStart(7)} ms  max ${l.max.toFixed(2).padStart(7)} ms${extra}`);
const f1 = (x: number) => x.toFixed(1);
const pct = (x: number) => `${Math.round(x * 100)} %`;
const clock = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(Math.floor(minute % 60)).padStart(2, '0')}`;
const spread = (xs: readonly number[], digits = 1) => (xs.length === 1 ? xs[0]!.toFixed(digits) : `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`);

function reportHttp(r: HttpResult) {
  const base = latency(r.baseline);
  const tickets = latency(r.tickets);
  const calls = latency(r.calls);
  out('');
  out(`1. ticket request -> response, open loop, latency from each request's scheduled moment (${SECONDS} s windows)`);
  row(`baseline: GET /api/tickets/{id} alone, ${RATE}/s`, base);
  row(`POST /api/tickets, ${RATE}/s, with the counters`, tickets, `   ratio to baseline: p50 ${r2(tickets.p50 / base.p50)}, p99 ${r2(tickets.p99 / base.p99)}`);
  row(`POST /api/counters/{id}/call-next, ${RATE}/s in all`, calls);
  row('  … answered 200 (finished one, called next)', latency(r.calls.filter((s) => s.status === 200)));
  row('  … answered 204 (finished one, nobody waiting)', latency(r.calls.filter((s) => s.status === 204)));
  row(`GET /api/tickets/{id} during the load, ${PROBE_RATE}/s`, latency(r.probes));
  const lag = [...r.tickets, ...r.calls, ...r.probes, ...r.baseline].map((s) => s.sendLagMs);
  out(`  bench send lag (scheduled -> sent): p99 ${r2(percentile(lag, 99))} ms, max ${r2(Math.max(...lag))} ms`);
  out(`  counters call at their share of the tickets (/s): ${[...r.callRates].map(([id, rate]) => `${id} ${rate.toFixed(2)}`).join(', ')}`);
  out(`  waiting tickets (all services): ${r.waitingBefore} at the start of the load window, ${r.waitingAfter} at its end`);
  const requests = r.tickets.length + r.calls.length + r.probes.length;
  out(`  hub CPU idle (no requests, ${r.hubCpu.idleSeconds} s): ${pct(r.hubCpu.idleS / r.hubCpu.idleSeconds)} of one core`);
  out(`  hub CPU (user + system, all threads): load window ${f1(r.hubCpu.loadS)} s of ${SECONDS} s = ${pct(r.hubCpu.loadS / SECONDS)} of one core (${r2((r.hubCpu.loadS * 1000) / requests)} ms per request); baseline window ${pct(r.hubCpu.baselineS / SECONDS)} (${r2((r.hubCpu.baselineS * 1000) / r.baseline.length)} ms per request)`);
  out(`  bench process CPU during the load window: ${f1(r.benchCpu.loadS)} s`);
  out(`  hub RSS: ${mb(r.hubRss.afterStart)} MB after start, ${mb(r.hubRss.maxSampled)} MB highest sampled in the load window, VmHWM (peak over its life) ${mb(r.hubRss.hwm)} MB`);
  out(`  hub event-loop delay during the load window: max ${r2(r.hubLoopDelayMaxMs)} ms (per-scrape maxima from /metrics)`);
  out(`  hub start: spawn -> "hub ready" ${r.startSeconds.toFixed(1)} s`);
  out('  checks:');
  for (const [what, ok, detail] of r.checks) out(`    ${ok ? 'ok  ' : 'FAIL'} ${what} (${detail})`);
}

function breakdown(label: string, groups: Map<string, SimTicket[]>, peak: (tickets: SimTicket[]) => number) {
  out(`  ${label.padEnd(16)}     n  actual  quoted mid  engine MAE  within  bias | naive MAE | peak waiting`);
  for (const [key, tickets] of groups) {
    const a = accuracyOf(tickets);
    out(
      `  ${key.padEnd(16)} ${String(a.tickets).padStart(5)}  ${f1(a.meanActualMin).padStart(6)}  ${f1(a.engine.meanQuotedMidMin).padStart(10)}  ${f1(a.engine.maeMin).padStart(10)}  ${pct(a.engine.withinShare).padStart(6)}  ${f1(a.engine.biasMin).padStart(5)} | ${f1(a.naive.maeMin).padStart(9)} | ${String(peak(tickets)).padStart(5)}`,
    );
  }
}

function reportDays(days: DayResult[], quiet: DayResult[]) {
  const per = days.map((d) => accuracyOf(d.tickets));
  const pooled = accuracyOf(days.flatMap((d) => d.tickets));
  out('');
  out(`2. wait-estimate accuracy: ${days.length} generated days (seeds ${days.map((d) => d.seed).join(', ')}) of ${VISITORS} visitors, through the engine on SQLite in simulated time; minutes`);
  out('  actual wait = first call − issue; error against the midpoint of the quoted range; bias = mean(actual − quote): > 0 means quoted too short');
  for (const [d, a] of days.map((d, i) => [d, per[i]!] as const)) {
    const cross = Math.abs((d.readerAccuracy.maeMin ?? NaN) - a.engine.maeMin) < 1e-6 && d.readerAccuracy.withinRangeShare === a.engine.withinShare && d.readerAccuracy.tickets === a.engine.tickets;
    out(
      `  seed ${d.seed}: mean wait ${f1(a.meanActualMin)}, engine MAE ${f1(a.engine.maeMin)} (within ${pct(a.engine.withinShare)}, bias ${f1(a.engine.biasMin)}), naive MAE ${f1(a.naive.maeMin)} (bias ${f1(a.naive.biasMin)}); ` +
        `peak ${d.peakWaiting.total} waiting at ${clock(d.peakWaiting.atMin)}, last call ${clock(d.lastCallMin)}, counters busy ${pct(d.counterBusyShare)}; QueueReader.accuracy ${cross ? 'agrees' : `DISAGREES (${JSON.stringify(d.readerAccuracy)})`}; ${d.commands} commands in ${f1(d.wallMs / 1000)} s`,
    );
  }
  out(`  all ${days.length} days (${pooled.tickets} tickets): mean actual wait ${f1(pooled.meanActualMin)}, engine MAE ${f1(pooled.engine.maeMin)}, naive MAE ${f1(pooled.naive.maeMin)} (engine/naive ${r2(pooled.engine.maeMin / pooled.naive.maeMin)}); engine within ${pct(pooled.engine.withinShare)}, bias ${f1(pooled.engine.biasMin)}; naive bias ${f1(pooled.naive.biasMin)}`);
  out(`  quoted range width: engine ${f1(pooled.engine.meanWidthMin)} on average`);
  const all = days.flatMap((d) => d.tickets);
  const group = (key: (t: SimTicket) => string) => {
    const groups = new Map<string, SimTicket[]>();
    for (const t of all) groups.set(key(t), [...(groups.get(key(t)) ?? []), t]);
    return groups;
  };
  const peakAtIssue = (tickets: SimTicket[]) => Math.max(...tickets.map((t) => t.waitingAtIssue));
  out('');
  const byHour = group((t) => `${clock(Math.floor(t.issuedMin / 60) * 60)}–`);
  breakdown('issued', new Map([...byHour].sort(([a], [b]) => a.localeCompare(b))), peakAtIssue);
  out('  (peak waiting: most tickets waiting, all services, when a ticket of the group was issued, over all days)');
  out('');
  const byService = [...group((t) => t.serviceId)].sort(([, a], [, b]) => accuracyOf(b).engine.maeMin - accuracyOf(a).engine.maeMin);
  const peakOfService = (tickets: SimTicket[]) => Math.max(...days.map((d) => d.peakWaitingByService.get(tickets[0]!.serviceId) ?? 0));
  breakdown('service (worst)', new Map(byService.slice(0, 6)), peakOfService);
  out('  …');
  breakdown('service (best)', new Map(byService.slice(-3)), peakOfService);
  out('  (peak waiting: most tickets of that service waiting at once, on any day)');
  out('');
  breakdown('category', group((t) => (t.category === 'regular' ? 'regular' : 'priority')), peakAtIssue);
  if (quiet.length > 0) {
    const q = accuracyOf(quiet.flatMap((d) => d.tickets));
    out('');
    out(
      `  quieter days, ${QUIET_VISITORS} visitors (same seeds): mean wait ${f1(q.meanActualMin)}, engine MAE ${f1(q.engine.maeMin)} (within ${pct(q.engine.withinShare)}), naive MAE ${f1(q.naive.maeMin)} (engine/naive ${r2(q.engine.maeMin / q.naive.maeMin)}); peak waiting ${spread(quiet.map((d) => d.peakWaiting.total), 0)}`,
    );
  }
}

let exitCode = 0;
const json: Record<string, unknown> = { bench: 'queue' };
try {
  out(`queue bench: ${PHASES.has('http') ? `the real hub at ${RATE} tickets/s with 10 counters calling (open loop, ${SECONDS} s windows)` : ''}${PHASES.has('http') && PHASES.has('day') ? '; ' : ''}${PHASES.has('day') ? `${DAYS} generated days of ${VISITORS} visitors through the engine` : ''}`);
  const load0 = loadavg()[0]!;
  if (PHASES.has('http')) {
    const r = await runHttpLoad(centre, { root, rate: RATE, seconds: SECONDS, prefillSeconds: PREFILL, warmupSeconds: WARMUP, probeRate: PROBE_RATE, seed: SEED, out });
    reportHttp(r);
    if (r.checks.some(([, ok]) => !ok)) exitCode = 1;
    const base = latency(r.baseline);
    const tickets = latency(r.tickets);
    Object.assign(json, {
      ratePerS: RATE,
      seconds: SECONDS,
      counters: r.callRates.size,
      ticketMs: tickets,
      callNextMs: latency(r.calls),
      baselineGetMs: base,
      ticketToBaselineRatio: { p50: r2(tickets.p50 / base.p50), p99: r2(tickets.p99 / base.p99) },
      waiting: { start: r.waitingBefore, end: r.waitingAfter },
      hubCpuShareOfCore: r2(r.hubCpu.loadS / SECONDS),
      hubPeakRssMB: mb(r.hubRss.hwm),
      hubLoopDelayMaxMs: r2(r.hubLoopDelayMaxMs),
      verified: r.checks.every(([, ok]) => ok),
    });
  }
  if (PHASES.has('day')) {
    const seeds = Array.from({ length: DAYS }, (_, i) => SEED + i);
    const days = seeds.map((seed) => simulateDay(centre, { seed, serviceCv: CV, visitors: VISITORS }));
    const quiet = QUIET_VISITORS > 0 ? seeds.map((seed) => simulateDay(centre, { seed, serviceCv: CV, visitors: QUIET_VISITORS })) : [];
    reportDays(days, quiet);
    const pooled = accuracyOf(days.flatMap((d) => d.tickets));
    const per = days.map((d) => accuracyOf(d.tickets));
    const agrees = days.every((d, i) => Math.abs((d.readerAccuracy.maeMin ?? NaN) - per[i]!.engine.maeMin) < 1e-6);
    if (!agrees) exitCode = 1;
    const q = quiet.length > 0 ? accuracyOf(quiet.flatMap((d) => d.tickets)) : null;
    Object.assign(json, {
      days: DAYS,
      visitors: VISITORS,
      serviceCv: CV,
      meanActualWaitMin: r2(pooled.meanActualMin),
      waitMaeMin: { engine: r2(pooled.engine.maeMin), naive: r2(pooled.naive.maeMin) },
      waitMaeMinPerDay: { engine: per.map((a) => r2(a.engine.maeMin)), naive: per.map((a) => r2(a.naive.maeMin)) },
      engineToNaiveMaeRatio: r2(pooled.engine.maeMin / pooled.naive.maeMin),
      withinRangeShare: { engine: r2(pooled.engine.withinShare) },
      biasMin: { engine: r2(pooled.engine.biasMin), naive: r2(pooled.naive.biasMin) },
      peakWaiting: Math.max(...days.map((d) => d.peakWaiting.total)),
      readerAccuracyAgrees: agrees,
      ...(q ? { quietDay: { visitors: QUIET_VISITORS, meanActualWaitMin: r2(q.meanActualMin), waitMaeMin: { engine: r2(q.engine.maeMin), naive: r2(q.naive.maeMin) }, withinRangeShare: { engine: r2(q.engine.withinShare) } } } : {}),
    });
  }
  out('');
  out(`machine load average (1 min): ${load0.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end (2 cores; other work on the VM shows here)`);
  out(JSON.stringify(json));
} catch (error) {
  exitCode = 1;
  process.stderr.write(`queue bench failed: ${(error as Error).stack ?? error}\n`);
} finally {
  killAll();
  rmSync(root, { recursive: true, force: true });
}
process.exitCode = exitCode;
