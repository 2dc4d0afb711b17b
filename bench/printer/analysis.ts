// What the printer bench makes of a phase: per-ticket latencies matched by ticket id (the
// QR payload), the bytes each job put on the line checked against what the hub's ticket
// builder makes for that ticket, the serial line's limit computed from them, and the
// checks (every ticket printed exactly once and whole, numbers gap-free, no reprint).
import { buildTicketBytes } from '../../hardware/escpos/ticket-bytes.ts';
import { enableAsb } from '../../hardware/escpos/commands.ts';
import type { HubConfig } from '../../hub/config/schema.ts';
import { TicketJobs } from '../../hub/peripherals/ticket-jobs.ts';
import type { TicketView } from '../../protocol/queue/ticket.ts';
import { resolveStrings } from '../../protocol/wording/overrides.ts';
import { latencyOf, percentile, r2, type Latency } from '../bridge/wait.ts';
import type { TicketRequest } from './kiosk-load.ts';
import type { PhaseResult } from './phase.ts';

export type Check = readonly [string, boolean, string];

const latency = latencyOf;

export interface PtyAnalysis {
  toLastByte: Latency;
  to201: Latency;
  lastByteTo201: Latency;
  jobBytes: { min: number; p50: number; max: number; mean: number };
  statusBytesPerTicket: number;
  wireBytesPerTicket: number;
  replyBytesPerTicket: number;
  wireMsPerTicket: number;
  wireMsMax: number;
  capacityPerS: number;
  utilisation: number;
  ratio: { p50: number; p99: number; max: number };
  reprints: number;
  /** request → the ticket's DLE EOT check at the printer → its job's first byte → its cut; null when checks cannot be matched. */
  stages: { toStatusQuery: Latency; queryToJobStart: Latency; jobStartToLastByte: Latency } | null;
  checks: Check[];
}

const answered = (r: PhaseResult) => r.requests.filter((q) => q.status === 201 && q.ticket).map((q) => q.ticket!);

/** What the hub's serial printer writes for a ticket: its job bytes and the `GS a` after it (escpos-ticket-printer.ts, escpos-printer.ts). */
function expectedJob(ticket: TicketView, config: HubConfig): Buffer {
  const job = new TicketJobs(config, resolveStrings(config.strings)).jobFor({ ticket, reprint: false });
  return Buffer.concat([buildTicketBytes(job), enableAsb()]);
}

/** The checks both phases share: answers, numbers, the store's print jobs and outbox, a clean stop. */
export function checkPhase(r: PhaseResult, _config: HubConfig): Check[] {
  const checks: Check[] = [];
  const statuses = new Map<string, number>();
  for (const q of r.requests) statuses.set(q.error ? `error ${q.error}` : `${q.status}`, (statuses.get(q.error ? `error ${q.error}` : `${q.status}`) ?? 0) + 1);
  const bad = r.requests.filter((q) => q.status !== 201);
  checks.push(['every request answered 201, no 5xx, no error', bad.length === 0, [...statuses].map(([k, n]) => `${k}: ${n}`).join(', ') + (bad[0] ? `; first other: ${JSON.stringify(bad[0].body ?? bad[0].error)}` : '')]);
  const notPrinted = r.requests.filter((q) => q.status === 201 && q.printed !== true).length;
  checks.push(['every 201 says printed: true', notPrinted === 0, `${notPrinted} not printed`]);
  const tickets = answered(r);
  const byPrefix = new Map<string, number[]>();
  for (const t of tickets) {
    const key = `${t.day} ${t.number.replace(/\d+$/, '')}`;
    byPrefix.set(key, [...(byPrefix.get(key) ?? []), Number(t.number.replace(/^[A-Z]+/, ''))]);
  }
  const gapFree = [...byPrefix.values()].every((numbers) => numbers.sort((x, y) => x - y).every((n, i) => n === i + 1));
  checks.push(['ticket numbers unique and gap-free per prefix (1..n)', gapFree, `${tickets.length} tickets over ${byPrefix.size} prefixes`]);
  const ids = new Set(tickets.map((t) => t.id));
  const jobsOk = r.printJobs.length === tickets.length && r.printJobs.every((j) => ids.has(j.ticket_id) && j.state === 'printed' && j.attempts === 1);
  const retried = r.printJobs.filter((j) => j.attempts !== 1).length;
  checks.push(['the store: one print job per ticket, each printed at its first attempt (no reprint)', jobsOk, `${r.printJobs.length} jobs, ${r.printJobs.filter((j) => j.state === 'printed').length} printed, ${retried} with attempts ≠ 1; pending after the load ${r.pendingPrintsAfter}`]);
  const sameIssued = r.issuedEvents.length === tickets.length && new Set(r.issuedEvents).size === r.issuedEvents.length && r.issuedEvents.every((id) => ids.has(id));
  checks.push(['the outbox holds exactly the answered tickets (ticket.issued)', sameIssued, `${r.issuedEvents.length} ticket.issued events`]);
  checks.push(['printer ready after the load, hub stopped cleanly on SIGTERM', r.printerStateAfter === 'ready' && r.exitCode === 0, `state ${r.printerStateAfter}, exit ${r.exitCode}`]);
  return checks;
}

export function analysePty(r: PhaseResult, config: HubConfig, baud: number, ratePerS: number): PtyAnalysis {
  const printer = r.printer!;
  const checks = checkPhase(r, config);
  const tickets = answered(r);
  const byId = new Map(tickets.map((t) => [t.id, t]));

  // Every answered ticket cut exactly once, nothing else cut.
  const cutsById = new Map<string, number[]>();
  for (const cut of printer.cuts) cutsById.set(cut.qr ?? '(no QR)', [...(cutsById.get(cut.qr ?? '(no QR)') ?? []), cut.at]);
  const missing = tickets.filter((t) => !cutsById.has(t.id)).length;
  const twice = [...cutsById.values()].filter((ats) => ats.length > 1).length;
  const unknown = [...cutsById.keys()].filter((id) => !byId.has(id)).length;
  const reprints = printer.cuts.filter((c) => /REPRINT|NAKALA/.test(c.ticket.text)).length + twice;
  checks.push(['every 201 ticket came out of the printer exactly once (QR = ticket id), nothing else did', missing === 0 && twice === 0 && unknown === 0 && printer.cuts.length === tickets.length, `${printer.cuts.length} cut, ${missing} missing, ${twice} twice, ${unknown} unknown`]);
  checks.push(['no reprint at the printer (no REPRINT / NAKALA ticket, no QR twice)', reprints === 0, `${reprints}`]);

  // Whole: the bytes of each job are exactly what the hub's builder makes for that ticket.
  const { jobs, statusQueries, trailing } = printer.jobs();
  let mismatched = 0;
  const jobSizes: number[] = [];
  jobs.forEach((job, i) => {
    const ticket = byId.get(printer.cuts[i]?.qr ?? '');
    jobSizes.push(job.bytes.length);
    if (!ticket || !job.bytes.equals(expectedJob(ticket, config))) mismatched++;
  });
  const other = jobs.reduce((sum, j) => sum + j.other, 0) + trailing;
  checks.push([
    'every job arrived whole: its bytes equal the ticket builder\'s for that ticket, byte for byte',
    jobs.length === tickets.length && mismatched === 0 && trailing === 0,
    `${jobs.length} jobs, ${mismatched} differ; ${statusQueries.length} DLE EOT queries; ${other} other bytes (the connect sequence ESC @, GS a)`,
  ]);
  const lines = printer.cuts.filter((c) => c.ticket.qrCodes.length !== 1 || c.ticket.cut !== 'partial').length;
  checks.push(['each ticket has one QR code and ends in a partial cut; no command ignored, no byte lost', lines === 0 && printer.model.ignored === 0 && printer.lost === 0, `${lines} odd tickets, ${printer.model.ignored} ignored, ${printer.lost} lost`]);

  // Latencies of the timed window, matched by ticket id.
  const timed = r.requests.filter((q): q is TicketRequest & { ticket: TicketView } => q.phase === 'timed' && q.status === 201 && q.ticket !== null);
  const lastByte = (q: TicketRequest & { ticket: TicketView }) => cutsById.get(q.ticket.id)?.[0] ?? NaN;
  const toLastByte = latency(timed.map((q) => lastByte(q) - q.dueAt).filter(Number.isFinite));
  const to201 = latency(timed.map((q) => q.answeredAt - q.dueAt));
  const lastByteTo201 = latency(timed.map((q) => q.answeredAt - lastByte(q)).filter(Number.isFinite));

  // Where the time to the last byte goes, when every check was the plain three queries
  // (DLE EOT 1, 2, 4): the k-th check after the one at connect is the k-th ticket's (checks
  // run in request order, numbers are allocated and jobs printed in check order).
  let stages: PtyAnalysis['stages'] = null;
  if (statusQueries.length === 3 * (jobs.length + 1)) {
    const jobIndex = new Map(printer.cuts.map((c, i) => [c.qr ?? '', i]));
    const rows = timed.map((q) => {
      const i = jobIndex.get(q.ticket.id)!;
      return { query: statusQueries[3 * (i + 1)]!, job: jobs[i]!.startAt, cut: printer.cuts[i]!.at, due: q.dueAt };
    });
    stages = {
      toStatusQuery: latency(rows.map((x) => x.query - x.due)),
      queryToJobStart: latency(rows.map((x) => x.job - x.query)),
      jobStartToLastByte: latency(rows.map((x) => x.cut - x.job)),
    };
  }

  // The line's limit: host → printer bytes per ticket × 10 bits (8N1) ÷ baud.
  const sorted = [...jobSizes].sort((x, y) => x - y);
  const jobMean = jobSizes.reduce((sum, n) => sum + n, 0) / jobSizes.length;
  const statusBytesPerTicket = (statusQueries.length * 3) / tickets.length;
  const wireBytesPerTicket = jobMean + statusBytesPerTicket;
  const wireMsPerTicket = (wireBytesPerTicket * 10 * 1000) / baud;
  const wireMsMax = ((sorted.at(-1)! + statusBytesPerTicket) * 10 * 1000) / baud;
  return {
    toLastByte,
    to201,
    lastByteTo201,
    jobBytes: { min: sorted[0]!, p50: percentile(sorted, 50), max: sorted.at(-1)!, mean: r2(jobMean) },
    statusBytesPerTicket,
    wireBytesPerTicket,
    replyBytesPerTicket: printer.transmittedBytes / tickets.length,
    wireMsPerTicket,
    wireMsMax,
    capacityPerS: 1000 / wireMsPerTicket,
    utilisation: (ratePerS * wireMsPerTicket) / 1000,
    ratio: { p50: r2(toLastByte.p50 / wireMsPerTicket), p99: r2(toLastByte.p99 / wireMsPerTicket), max: r2(toLastByte.max / wireMsPerTicket) },
    reprints,
    stages,
    checks,
  };
}
