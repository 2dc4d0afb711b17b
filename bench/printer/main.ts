// npm run bench:printer (issue 6): ticket request → last byte at the printer, p50/p99 at
// 20 tickets/s, as a ratio of the serial line's limit (bytes ÷ baud).
// The real hub process (through its bin) drives the behaving ESC/POS printer emulator over
// a socat PTY pair with its serial driver (`--printer <host end>`, `printer.baudRate` in
// its config); the kiosk's POST /api/tickets come open loop from this process. A kernel
// PTY has no baud rate (bytes move as fast as the kernel copies them), so the line's own
// limit is computed from the bytes the emulator received per ticket: bytes × 10 bits (8N1)
// ÷ baud. Baseline in the same run: the same hub and load with `--printer emulator` (the
// built-in in-memory printer), so printing's added latency shows.
// Prints a report and, last, one line of JSON. See docs/performance.md.
// Options: --baud 19200 --rate 20 --seconds 30 --warmup 5 --phases emulator,pty (also `--rate=N`).
// `--phases paced` adds a run through a relay that keeps to the baud rate (paced-line.ts):
// what a real wire would do; at a rate beyond the line's capacity its queue only grows.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHubConfig } from '../../hub/config/load.ts';
import { latencyOf, mb, percentile, r2, type Latency } from '../bridge/wait.ts';
import { cleanUpOnInterrupt, ensureRuntime, killAll } from '../sync/processes.ts';
import { analysePty, checkPhase } from './analysis.ts';
import type { TicketRequest } from './kiosk-load.ts';
import { runPhase, type PhaseResult } from './phase.ts';

const argv = process.argv.slice(2);
const args = new Map<string, string>();
for (let i = 0; i < argv.length; i++) {
  const [key, value] = argv[i]!.replace(/^--/, '').split('=') as [string, string | undefined];
  args.set(key, value ?? argv[++i] ?? '');
}
const num = (name: string, fallback: number) => {
  const value = Number(args.get(name) ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};
const BAUD = num('baud', 19_200);
const RATE = num('rate', 20);
const SECONDS = num('seconds', 30);
const WARMUP = num('warmup', 5);
const PHASES = new Set((args.get('phases') ?? 'emulator,pty').split(','));
for (const phase of PHASES) if (!['emulator', 'pty', 'paced'].includes(phase)) throw new Error(`--phases: unknown phase ${phase} (emulator, pty, paced)`);

const out = (line: string) => process.stdout.write(`${line}\n`);
const root = mkdtempSync(join(tmpdir(), 'huduma-bench-printer-'));
cleanUpOnInterrupt(root);

const latency = latencyOf;
const row = (label: string, l: Latency, extra = '') => out(`  ${label.padEnd(52)} ${String(l.n).padStart(4)}  p50 ${l.p50.toFixed(2).padStart(7)} ms  p99 ${l.p99.toFixed(2).padStart(7)} ms  max ${l.max.toFixed(2).padStart(7)} ms${extra}`);
const pct = (x: number) => `${Math.round(x * 100)} %`;
const timed = (r: PhaseResult) => r.requests.filter((q) => q.phase === 'timed');
const to201 = (qs: readonly TicketRequest[]) => qs.filter((q) => q.status === 201).map((q) => q.answeredAt - q.dueAt);

function reportCommon(r: PhaseResult, label: string) {
  const lag = r.requests.map((q) => q.sentAt - q.dueAt);
  out(`  hub (${label}): CPU ${r2(r.hubCpuS)} s in the ${r2(r.windowS)} s window = ${pct(r.hubCpuS / r.windowS)} of one core (${r2((r.hubCpuS * 1000) / timed(r).length)} ms per ticket); ` +
    `VmRSS ${mb(r.hubRss.afterStart)} MB after start, ${mb(r.hubRss.maxSampled)} MB highest sampled in the window; VmHWM (peak over its life) ${mb(r.hubRss.hwm)} MB; event-loop delay max ${r2(r.hubLoopDelayMaxMs)} ms`);
  out(`  bench process: send lag (scheduled → sent) p99 ${r2(percentile(lag, 99))} ms, max ${r2(Math.max(...lag))} ms; event-loop delay p99 ${r2(r.benchLoopDelay.p99Ms)} ms, max ${r2(r.benchLoopDelay.maxMs)} ms`);
}

function reportChecks(checks: ReadonlyArray<readonly [string, boolean, string]>) {
  for (const [what, ok, detail] of checks) out(`    ${ok ? 'ok  ' : 'FAIL'} ${what} (${detail})`);
}

/** Serial rates a ticket printer is commonly set to. */
const STANDARD_BAUDS = [9600, 19_200, 38_400, 57_600, 115_200];

let exitCode = 0;
const json: Record<string, unknown> = { bench: 'printer', baud: BAUD, ratePerS: RATE, seconds: SECONDS };
try {
  const { config } = loadHubConfig();
  const serviceIds = config.services.map((s) => s.id);
  out(`printer bench: the real hub at ${RATE} tickets/s (open loop, ${SECONDS} s timed after ${WARMUP} s warm-up, cycling over ${serviceIds.length} services), printer.baudRate ${BAUD}`);
  const load0 = loadavg()[0]!;
  ensureRuntime();
  const common = { root, baud: BAUD, rate: RATE, seconds: SECONDS, warmupSeconds: WARMUP, serviceIds };
  let base: PhaseResult | undefined;
  if (PHASES.has('emulator')) {
    base = await runPhase({ ...common, root: mkdtempSync(join(root, 'emulator-')), kind: 'emulator' });
    out('');
    out(`1. baseline: the same hub with --printer emulator (built-in, in memory), request → 201, from each request's scheduled moment`);
    row(`POST /api/tickets → 201, ${RATE}/s`, latency(to201(timed(base))));
    reportCommon(base, '--printer emulator');
    out('  checks:');
    const checks = checkPhase(base, config);
    reportChecks(checks);
    if (checks.some(([, ok]) => !ok)) exitCode = 1;
    const l = latency(to201(timed(base)));
    Object.assign(json, { emulatorTo201Ms: l, emulatorHub: { cpuShareOfCore: r2(base.hubCpuS / base.windowS), peakRssMB: mb(base.hubRss.hwm) } });
  }
  for (const kind of ['pty', 'paced'] as const) {
    if (!PHASES.has(kind)) continue;
    const r = await runPhase({ ...common, root: mkdtempSync(join(root, `${kind}-`)), kind });
    const a = analysePty(r, config, BAUD, RATE);
    const baseline = base ? latency(to201(timed(base))) : undefined;
    out('');
    out(
      kind === 'pty'
        ? `2. the ESC/POS driver over a socat PTY pair to the printer emulator (printer.baudRate ${BAUD}; a PTY does not pace to it), from each request's scheduled moment`
        : `3. the same through a relay that keeps to ${BAUD} baud, 8N1, each way (paced-line.ts), from each request's scheduled moment`,
    );
    row('request → last byte of the ticket at the printer (cut)', a.toLastByte);
    row(`POST /api/tickets → 201 (answered after the printer confirms)`, a.to201, baseline ? `   ÷ baseline: p50 ${r2(a.to201.p50 / baseline.p50)}, p99 ${r2(a.to201.p99 / baseline.p99)}` : '');
    if (a.stages) {
      row('  request → its DLE EOT status check at the printer', a.stages.toStatusQuery);
      row('  check → the job\'s first byte (replies, number, bytes)', a.stages.queryToJobStart);
      row('  job\'s first byte → last byte (cut)', a.stages.jobStartToLastByte);
    }
    row('  last byte → 201 (GS r reply, print_done commit, HTTP)', a.lastByteTo201);
    out(`  bytes per ticket, host → printer: job ${a.jobBytes.min}–${a.jobBytes.max} (median ${a.jobBytes.p50}; ESC @ … cut, GS r 1, GS a) + ${r2(a.statusBytesPerTicket)} of DLE EOT status queries = ${r2(a.wireBytesPerTicket)} on average; printer → host ${r2(a.replyBytesPerTicket)} (status replies, GS r reply, ASB frame)`);
    out(`  the serial line's limit at ${BAUD} baud, 8N1 (10 bits a byte): ${r2(a.wireMsPerTicket)} ms per ticket on the wire (largest ticket ${r2(a.wireMsMax)} ms) = ${r2(a.capacityPerS)} tickets/s`);
    out(`  request → last byte ÷ wire time per ticket: p50 ${a.ratio.p50}, p99 ${a.ratio.p99}, max ${a.ratio.max}`);
    out(
      `  line utilisation at ${RATE} tickets/s: ${r2(a.utilisation)} (${a.utilisation <= 1 ? 'fits' : `does NOT fit: the line carries ${r2(a.capacityPerS)} tickets/s`}); ` +
        `at the standard rates: ${STANDARD_BAUDS.map((b) => `${b} ${r2((a.utilisation * BAUD) / b)}`).join(', ')}`,
    );
    const p = r.printer!;
    out(`  emulator: ${p.receivedBytes} bytes in ${p.receiveCalls} reads, receive buffer at most ${p.maxBuffered} bytes, XOFF ${p.xoff} / XON ${p.xon}, ${p.lost} bytes lost, ${p.model.ignored} commands ignored`);
    if (r.paced) out(`  paced relay: at most ${r.paced.toPrinterMaxQueued} bytes waiting for the wire towards the printer, ${r.paced.toHostMaxQueued} towards the hub`);
    reportCommon(r, `--printer <${kind === 'pty' ? 'PTY' : 'paced PTY'}>`);
    out('  checks:');
    reportChecks(a.checks);
    if (a.checks.some(([, ok]) => !ok)) exitCode = 1;
    const minBaud = STANDARD_BAUDS.find((b) => (a.utilisation * BAUD) / b <= 1) ?? null;
    const figures = {
      timedTickets: a.toLastByte.n,
      requestToLastByteMs: a.toLastByte,
      requestTo201Ms: a.to201,
      lastByteToWireRatio: { p50: a.ratio.p50, p99: a.ratio.p99 },
      ...(a.stages ? { stagesP50Ms: { toStatusQuery: a.stages.toStatusQuery.p50, queryToJobStart: a.stages.queryToJobStart.p50, jobStartToLastByte: a.stages.jobStartToLastByte.p50, lastByteTo201: a.lastByteTo201.p50 } } : {}),
      ...(baseline ? { to201ToEmulatorRatio: { p50: r2(a.to201.p50 / baseline.p50), p99: r2(a.to201.p99 / baseline.p99) }, printingAddsTo201Ms: { p50: r2(a.to201.p50 - baseline.p50), p99: r2(a.to201.p99 - baseline.p99) } } : {}),
      hub: { cpuShareOfCore: r2(r.hubCpuS / r.windowS), peakRssMB: mb(r.hubRss.hwm) },
      xoff: p.xoff,
      reprints: a.reprints,
    };
    if (kind === 'pty') {
      Object.assign(json, {
        ...figures,
        jobBytes: a.jobBytes,
        wireBytesPerTicket: r2(a.wireBytesPerTicket),
        wireMsPerTicket: r2(a.wireMsPerTicket),
        lineCapacityPerS: r2(a.capacityPerS),
        utilisation: r2(a.utilisation),
        fitsLine: a.utilisation <= 1,
        minStandardBaudThatFits: minBaud,
      });
    } else {
      json.paced = { ...figures, wireMsPerTicket: r2(a.wireMsPerTicket), utilisation: r2(a.utilisation) };
    }
  }
  const verified = exitCode === 0;
  out('');
  out(`machine load average (1 min): ${load0.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end (2 cores; other work on the VM shows here)`);
  json.verified = verified;
  out(JSON.stringify(json));
} catch (error) {
  exitCode = 1;
  process.stderr.write(`printer bench failed: ${(error as Error).stack ?? error}\n`);
} finally {
  killAll();
  rmSync(root, { recursive: true, force: true });
}
process.exitCode = exitCode;
