// Part 1 of the queue bench: the real hub process (`huduma-hub start` through its bin, the
// sample centre, a fresh data dir) under open-loop kiosk and counter load over HTTP, with
// a cheap authenticated request at the same rate on the same server as the baseline.
import { join } from 'node:path';
import { runHubCli } from '../../tests/helpers/hub-process.ts';
import { outboxEvents } from '../../tests/helpers/queue-client.ts';
import { sleep } from '../bridge/wait.ts';
import { hubHeap } from '../sync/drain.ts';
import { ensureRuntime, procCpuSeconds, procMemory, startHub } from '../sync/processes.ts';
import { seededRandom, SERVICE_SHARE, type SampleCentre } from './centre.ts';
import { evenly, HubApi, runOpenLoop, type Sample, type Scheduled } from './load.ts';

export interface HttpOptions {
  root: string;
  /** Tickets requested per second (and counter calls per second in all). */
  rate: number;
  /** Length of each timed window, s. */
  seconds: number;
  /** Tickets requested before the counters start, s (the queue the counters then keep steady). */
  prefillSeconds: number;
  /** All request kinds at full rate before the timed windows, s (not counted). */
  warmupSeconds: number;
  /** GET probes per second during the load window (the HTTP stack under load). */
  probeRate: number;
  seed: number;
  out: (line: string) => void;
}

interface TicketBody {
  id: string;
  number: string;
  day: string;
  serviceId: string;
}

export interface HttpResult {
  /** Calls per second each counter makes (its share of the ticket rate). */
  callRates: Map<string, number>;
  baseline: Sample[];
  tickets: Sample[];
  calls: Sample[];
  probes: Sample[];
  /** Every sample of every phase (prefill and warm-up too), for the checks. */
  all: Sample[];
  waitingBefore: number;
  waitingAfter: number;
  /** Hub CPU seconds (all threads) over the idle, baseline and load windows. */
  hubCpu: { idleS: number; idleSeconds: number; baselineS: number; loadS: number };
  benchCpu: { loadS: number };
  hubRss: { afterStart: number; maxSampled: number; hwm: number };
  hubLoopDelayMaxMs: number;
  startSeconds: number;
  exitCode: number | string;
  checks: Array<readonly [string, boolean, string]>;
}

/**
 * Each counter's calls per second: its share of the tickets, taking each service's share
 * split evenly over the counters that serve it. The shares sum to the ticket rate, so the
 * counters call as fast as tickets arrive and the waiting count stays about where the
 * prefill left it (a random walk: counters sharing services take from each other's queues,
 * first come first served across their services).
 */
export function callRates(centre: SampleCentre, rate: number): Map<string, number> {
  const { counters } = centre.config;
  const total = Object.values(SERVICE_SHARE).reduce((a, b) => a + b, 0);
  const servedBy = (serviceId: string) => counters.filter((c) => c.serviceIds.includes(serviceId)).length;
  return new Map(counters.map((c) => [c.id, (rate * c.serviceIds.reduce((sum, s) => sum + SERVICE_SHARE[s]! / servedBy(s), 0)) / total]));
}

async function token(dataDir: string, ...args: string[]): Promise<string> {
  const result = await runHubCli(['token', 'create', ...args, '--data-dir', dataDir]);
  if (result.code !== 0) throw new Error(`huduma-hub token create ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return (JSON.parse(result.stdout) as { token: string }).token;
}

export async function runHttpLoad(centre: SampleCentre, o: HttpOptions): Promise<HttpResult> {
  const dataDir = join(o.root, 'hub');
  ensureRuntime();
  const hub = await startHub(['--data-dir', dataDir, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1']);
  const api = new HubApi(hub.httpPort);
  let stopped = false;
  const stop = async () => {
    if (stopped) return -1;
    stopped = true;
    api.close();
    return hub.stop();
  };
  try {
    const counterIds = centre.config.counters.map((c) => c.id);
    // Tokens as an operator makes them: the CLI on the data dir, while the hub runs.
    const kiosk = await token(dataDir, '--role', 'kiosk');
    const officers = new Map<string, string>();
    for (const id of counterIds) officers.set(id, await token(dataDir, '--role', 'officer', '--counter', id));
    await sleep(1000);
    const afterStart = procMemory(hub.pid).rss;

    const random = seededRandom(o.seed);
    const issued: string[] = [];
    const issue = (): Scheduled['send'] => {
      const serviceId = centre.pickService(random);
      const category = centre.pickCategory(random);
      const language = random() < 0.5 ? 'en' : 'sw';
      return async () => {
        const answer = await api.call('POST', '/api/tickets', kiosk, { serviceId, category, language });
        if (answer.status === 201) issued.push((answer.body as { ticket: TicketBody }).ticket.id);
        return answer;
      };
    };
    const readTicket = (): Scheduled['send'] => () => api.call('GET', `/api/tickets/${issued[Math.floor(random() * issued.length)]}`, kiosk);
    const rates = callRates(centre, o.rate);
    const tickets = (seconds: number): Scheduled[] => evenly(o.rate, seconds).map((atMs) => ({ atMs, kind: 'ticket', send: issue() }));
    const calls = (seconds: number): Scheduled[] =>
      counterIds.flatMap((id, i) =>
        // Counters out of step with each other and with the kiosk: phase i/10 of the ticket interval.
        evenly(rates.get(id)!, seconds, ((i + 0.5) / counterIds.length) * (1000 / o.rate)).map((atMs) => ({ atMs, kind: 'call', send: () => api.call('POST', `/api/counters/${id}/call-next`, officers.get(id)!, {}) })),
      );
    const reads = (rate: number, seconds: number, kind: string): Scheduled[] => evenly(rate, seconds, 1000 / rate / 4).map((atMs) => ({ atMs, kind, send: readTicket() }));
    const all: Sample[] = [];

    // Prefill: tickets only, so the counters then work on a queue (~rate × prefill tickets).
    all.push(...(await runOpenLoop(tickets(o.prefillSeconds))));
    // Warm-up of every request kind (JIT, connections), not counted.
    all.push(...(await runOpenLoop([...tickets(o.warmupSeconds), ...calls(o.warmupSeconds), ...reads(o.rate, o.warmupSeconds, 'warmup-read')])));
    await sleep(500);

    // What the hub spends doing nothing (its timers), for scale.
    const IDLE_SECONDS = 5;
    let cpu0 = procCpuSeconds(hub.pid);
    await sleep(IDLE_SECONDS * 1000);
    const idleCpu = procCpuSeconds(hub.pid) - cpu0;

    // Baseline: the same rate of GET /api/tickets/{id} alone on the same server.
    cpu0 = procCpuSeconds(hub.pid);
    const baseline = await runOpenLoop(reads(o.rate, o.seconds, 'baseline'));
    const baselineCpu = procCpuSeconds(hub.pid) - cpu0;
    all.push(...baseline);
    await sleep(500);

    // The load: tickets, the counters calling, a few GET probes; RSS and event-loop delay sampled meanwhile.
    const waitingNow = async () => ((await api.call('GET', '/health', null)).body as { queue: { waiting: number } }).queue.waiting;
    const waitingBefore = await waitingNow();
    let maxRss = 0;
    let loopDelayMax = 0;
    let scrapes = 0;
    await hubHeap(hub.httpPort); // resets the hub's event-loop histogram: the max below is the window's
    const sampler = setInterval(() => {
      maxRss = Math.max(maxRss, procMemory(hub.pid).rss);
      if (scrapes++ % 2 === 1) void hubHeap(hub.httpPort).then((heap) => (loopDelayMax = Math.max(loopDelayMax, heap.loopDelayMaxMs)), () => undefined);
    }, 500);
    cpu0 = procCpuSeconds(hub.pid);
    const bench0 = process.cpuUsage();
    const load = await runOpenLoop([...tickets(o.seconds), ...calls(o.seconds), ...reads(o.probeRate, o.seconds, 'probe')]);
    const loadCpu = procCpuSeconds(hub.pid) - cpu0;
    const benchUsage = process.cpuUsage(bench0);
    clearInterval(sampler);
    const heap = await hubHeap(hub.httpPort);
    loopDelayMax = Math.max(loopDelayMax, heap.loopDelayMaxMs);
    all.push(...load);
    const waitingAfter = await waitingNow();
    const memory = procMemory(hub.pid);
    const exitCode = await stop();

    // Checks: every answered ticket is in the store exactly once, numbers per prefix are
    // 1..n with no gap and no repeat, no ticket was called twice, nothing failed.
    const checks: Array<readonly [string, boolean, string]> = [];
    const answered = all.filter((s) => s.kind === 'ticket' && s.status === 201).map((s) => (s.body as { ticket: TicketBody }).ticket);
    const byPrefix = new Map<string, number[]>();
    for (const t of answered) {
      const key = `${t.day} ${t.number.replace(/\d+$/, '')}`;
      byPrefix.set(key, [...(byPrefix.get(key) ?? []), Number(t.number.replace(/^[A-Z]+/, ''))]);
    }
    const gapFree = [...byPrefix.values()].every((numbers) => numbers.sort((a, b) => a - b).every((n, i) => n === i + 1));
    checks.push(['every 201 ticket number unique and gap-free per prefix (1..n)', gapFree, `${answered.length} tickets over ${byPrefix.size} prefixes`]);
    const stored = outboxEvents(dataDir, 'ticket.issued').map((e) => e.ticketId as string);
    const storedSet = new Set(stored);
    const sameSet = stored.length === answered.length && storedSet.size === stored.length && answered.every((t) => storedSet.has(t.id));
    checks.push(['the outbox holds exactly the answered tickets (ticket.issued)', sameSet, `${stored.length} ticket.issued events`]);
    const calledIds = all.filter((s) => s.kind === 'call' && s.status === 200).map((s) => (s.body as { ticket: TicketBody }).ticket.id);
    const calledEvents = outboxEvents(dataDir, 'ticket.called');
    checks.push(['no ticket called twice; every 200 call-next is a ticket.called event', new Set(calledIds).size === calledIds.length && calledEvents.length === calledIds.length, `${calledIds.length} calls answered with a ticket`]);
    const statuses = new Map<string, number>();
    for (const s of all) statuses.set(`${s.kind} ${s.status || s.error}`, (statuses.get(`${s.kind} ${s.status || s.error}`) ?? 0) + 1);
    const expected = (s: Sample) => (s.kind === 'ticket' ? s.status === 201 : s.kind === 'call' ? s.status === 200 || s.status === 204 : s.status === 200);
    checks.push(['no 5xx, no error: tickets 201, call-next 200/204, reads 200', all.every(expected), [...statuses].map(([k, n]) => `${k}: ${n}`).join(', ')]);
    checks.push(['hub stopped cleanly on SIGTERM', exitCode === 0, `exit ${exitCode}`]);

    return {
      callRates: rates,
      baseline,
      tickets: load.filter((s) => s.kind === 'ticket'),
      calls: load.filter((s) => s.kind === 'call'),
      probes: load.filter((s) => s.kind === 'probe'),
      all,
      waitingBefore,
      waitingAfter,
      hubCpu: { idleS: idleCpu, idleSeconds: IDLE_SECONDS, baselineS: baselineCpu, loadS: loadCpu },
      benchCpu: { loadS: (benchUsage.user + benchUsage.system) / 1e6 },
      hubRss: { afterStart, maxSampled: maxRss, hwm: memory.hwm },
      hubLoopDelayMaxMs: loopDelayMax,
      startSeconds: (hub.readyAt - hub.spawnedAt) / 1000,
      exitCode,
      checks,
    };
  } finally {
    await stop();
  }
}
