// npm run bench:sync: the hub draining a week-long backlog (1,000,000 events by default)
// to a local Secretariat over the real sync protocol (signed gzip HTTP batches), with
// live presses arriving meanwhile. Each figure next to a baseline measured in the same
// run: the drain rate against the Secretariat store's own plain batched insert of the
// same events, live press latency during the drain against the same hub without a drain.
// Prints a table and, last, one line of JSON with the headline figures. See
// docs/performance.md. Options: --events 1000000 --batch 2000 --live-rate 20
// --live-seconds 15 --cpu-prof (writes CPU profiles of the hub and the Secretariat, every
// thread, to a temp dir that is kept). Also `--events=N`. BENCH_HUB_FLAGS passes node
// flags to the hub after those of its bin's first line (e.g. "--max-semi-space-size=16"), for experiments.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_CENTRE_PATH } from '../../hub/config/load.ts';
import { freePort } from '../../tests/helpers/hub-process.ts';
import { mb, percentile, r2, sleep } from '../bridge/wait.ts';
import { generateBacklog, hubOutboxCounts, provisionDevices, rawInsertBaseline } from './backlog.ts';
import { hubHealth, watchDrain } from './drain.ts';
import { LiveLoad, type LiveResult } from './live.ts';
import { addCentre, ensureRuntime, killAll, procCpuSeconds, procMemory, startHub, startSecretariat } from './processes.ts';

const CENTRE = 'demo-centre';
const HUB_RSS_TARGET_MB = 150;
const LIVE_DEVICES = ['eifd-live-1', 'eifd-live-2', 'eifd-live-3', 'eifd-live-4'];

const argv = process.argv.slice(2);
const args = new Map<string, string>();
for (let i = 0; i < argv.length; i++) {
  const [key, value] = argv[i]!.replace(/^--/, '').split('=') as [string, string | undefined];
  if (key === 'cpu-prof') args.set(key, value ?? '1');
  else args.set(key, value ?? argv[++i] ?? '');
}
const EVENTS = Number(args.get('events') ?? 1_000_000);
const BATCH = Number(args.get('batch') ?? 2000);
const LIVE_RATE = Number(args.get('live-rate') ?? 20);
const LIVE_SECONDS = Number(args.get('live-seconds') ?? 15);
const CPU_PROF = args.has('cpu-prof');
for (const [name, value] of [['events', EVENTS], ['batch', BATCH], ['live-rate', LIVE_RATE], ['live-seconds', LIVE_SECONDS]] as const) {
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const latency = (r: LiveResult) => ({ p50: r2(percentile(r.latencies, 50)), p99: r2(percentile(r.latencies, 99)), max: r2(Math.max(...r.latencies)), n: r.latencies.length });
const int = (x: number) => Math.round(x).toLocaleString('en-US');

const root = mkdtempSync(join(tmpdir(), 'huduma-bench-sync-'));
const hubDir = join(root, 'hub');
const secretariatDir = join(root, 'secretariat');
const baselineDir = join(root, 'baseline');
const profDir = CPU_PROF ? mkdtempSync(join(tmpdir(), 'huduma-bench-sync-prof-')) : '';
const profFlags = (name: string) => (CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(profDir, name)}`] : []);
const HUB_FLAGS = process.env.BENCH_HUB_FLAGS ? process.env.BENCH_HUB_FLAGS.split(' ').filter(Boolean) : [];
const cleanups: Array<() => Promise<unknown>> = [];
process.once('SIGINT', () => {
  killAll();
  rmSync(root, { recursive: true, force: true });
  process.exit(130);
});

/** A hub config: the sample centre, sync to `url`, a per-device budget the live load stays under. */
function writeHubConfig(name: string, url: string, secret: string): string {
  const config = JSON.parse(readFileSync(SAMPLE_CENTRE_PATH, 'utf8')) as Record<string, unknown>;
  config.feedback = { pressBudgetPerMinute: 6000, lockoutMs: 0 };
  config.secretariat = { url, secret, batchMaxEvents: BATCH };
  const path = join(root, name);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

async function hubArgs(configPath: string): Promise<string[]> {
  return ['--config', configPath, '--data-dir', hubDir, '--mqtt-port', String(await freePort()), '--http-port', String(await freePort()), '--host', '127.0.0.1'];
}

out(`sync bench: drain of ${int(EVENTS)} events to a local Secretariat, batches of up to ${BATCH}, ${LIVE_RATE} live presses/s over ${LIVE_DEVICES.length} devices`);
let exitCode = 0;
try {
  mkdirSync(secretariatDir);
  // 1. The backlog, and the live devices (provisioned before any hub starts).
  const generated = generateBacklog(hubDir, EVENTS);
  const devices = provisionDevices(hubDir, LIVE_DEVICES);
  out(`  backlog: ${int(EVENTS)} feedback.pressed events over 7 days written in ${generated.seconds.toFixed(1)} s (not a figure of the hub)`);

  // 2. Baseline: the receiver store's raw batched insert of the same events.
  const raw = await rawInsertBaseline(hubDir, baselineDir, CENTRE, BATCH);
  rmSync(baselineDir, { recursive: true, force: true });
  out(`  baseline: store.rawInsert of the same ${int(raw.events)} events in chunks of ${BATCH}: ${raw.seconds.toFixed(1)} s, ${int(raw.eventsPerSecond)} events/s (chunk p50 ${r2(raw.chunkMs.p50)} ms, p99 ${r2(raw.chunkMs.p99)} ms)`);

  // 3. The Secretariat, in its own process (the compiled runtime built first, see processes.ts).
  let runtime = ensureRuntime();
  const secretariat = await startSecretariat(secretariatDir, profFlags('secretariat'));
  cleanups.push(() => secretariat.stop());
  const secret = await addCentre(secretariatDir, CENTRE);
  const secretariatUrl = `http://127.0.0.1:${secretariat.port}`;

  // 4. No-drain baseline: the same hub on the same database, its Secretariat URL a closed port.
  const closedPort = await freePort();
  const quiet = await startHub(await hubArgs(writeHubConfig('hub-no-drain.json', `http://127.0.0.1:${closedPort}`, secret)), HUB_FLAGS);
  cleanups.push(() => quiet.stop());
  const quietLoad = await LiveLoad.connect(quiet.mqttPort, devices, CENTRE);
  cleanups.push(() => quietLoad.close());
  quietLoad.start(LIVE_RATE);
  await sleep(1000);
  await quietLoad.stop();
  quietLoad.start(LIVE_RATE);
  await sleep(LIVE_SECONDS * 1000);
  const noDrain = await quietLoad.stop();
  const quietAcked = quietLoad.ackedTotal;
  const quietMemory = procMemory(quiet.pid);
  await quietLoad.close();
  await quiet.stop();
  const noDrainLatency = latency(noDrain);
  out(`  no drain (Secretariat unreachable): live publish->PUBACK p50 ${noDrainLatency.p50} ms, p99 ${noDrainLatency.p99} ms, max ${noDrainLatency.max} ms (${noDrainLatency.n} presses); hub VmHWM ${mb(quietMemory.hwm)} MB`);

  // 5. The drain, with live presses throughout.
  const before = hubOutboxCounts(hubDir);
  const target = before.lastSeq;
  const current = ensureRuntime();
  if (current !== runtime) out('  note: the sources changed while the bench ran; the runtime was rebuilt before the drain');
  runtime = current;
  const hub = await startHub(await hubArgs(writeHubConfig('hub.json', secretariatUrl, secret)), [...HUB_FLAGS, ...profFlags('hub')]);
  cleanups.push(() => hub.stop());
  const hubCpuAtReady = procCpuSeconds(hub.pid);
  const secretariatCpuAtReady = procCpuSeconds(secretariat.pid);
  const load = await LiveLoad.connect(hub.mqttPort, devices, CENTRE);
  cleanups.push(() => load.close());
  load.start(LIVE_RATE);
  const drained = await watchDrain({
    httpPort: hub.httpPort,
    pid: hub.pid,
    exited: hub.exited,
    done: (h) => h.sync.ackedThroughSeq >= target,
    timeoutMs: Math.max(300_000, EVENTS * 2),
    report: (h, rss) => {
      const s = (performance.now() - hub.readyAt) / 1000;
      out(`    ${s.toFixed(0).padStart(4)} s: acked ${int(h.sync.ackedThroughSeq)} of ${int(target)} (${int(h.sync.ackedThroughSeq / s)}/s), state ${h.sync.state}, hub RSS ${mb(rss)} MB${h.sync.lastError ? `, last error ${h.sync.lastError.code}` : ''}`);
    },
  });
  const drainSeconds = (drained.doneAt - hub.readyAt) / 1000;
  const hubCpuDrain = procCpuSeconds(hub.pid) - hubCpuAtReady;
  const secretariatCpuDrain = procCpuSeconds(secretariat.pid) - secretariatCpuAtReady;
  const duringDrain = await load.stop();
  // The live presses of the last moments go too; then nothing is left unsent.
  const caughtUp = await watchDrain({ httpPort: hub.httpPort, pid: hub.pid, exited: hub.exited, done: (h) => h.sync.backlogEvents === 0, timeoutMs: 60_000 });
  const hubMemory = procMemory(hub.pid);
  const hubPeakRss = Math.max(hubMemory.hwm, drained.maxSampledRss, caughtUp.maxSampledRss);
  const health = await hubHealth(hub.httpPort);
  const centreResponse = await fetch(`${secretariatUrl}/api/centres/${CENTRE}`);
  const centre = (await centreResponse.json()) as { eventsTotal: number; eventsByType: Record<string, number>; duplicatesIgnored: number; ackedThroughSeq: number; conflictsTotal: number; quarantinedTotal: number };
  await load.close();
  const hubExit = await hub.stop();
  const secretariatMemory = procMemory(secretariat.pid);
  await secretariat.stop();
  const after = hubOutboxCounts(hubDir);
  if (ensureRuntime() !== runtime) out('  note: the sources changed during the drain (the hub ran the runtime built before it)');

  // Report.
  const drainRate = target / drainSeconds;
  const ratio = drainRate / raw.eventsPerSecond;
  const drainLatency = latency(duringDrain);
  const liveAcked = quietAcked + load.ackedTotal;
  const expectedPresses = EVENTS + liveAcked;
  const checks = [
    ['Secretariat eventsTotal = hub outbox lastSeq', centre.eventsTotal === after.lastSeq],
    ['Secretariat ackedThroughSeq = hub outbox lastSeq', centre.ackedThroughSeq === after.lastSeq],
    ['feedback.pressed held = backlog + live presses acked', (centre.eventsByType['feedback.pressed'] ?? 0) === expectedPresses && after.presses === expectedPresses],
    ['no conflicts, nothing quarantined', centre.conflictsTotal === 0 && centre.quarantinedTotal === 0],
    ['hub stopped cleanly on SIGTERM', hubExit === 0],
  ] as const;
  const cpuPerK = (seconds: number) => r2((seconds / target) * 1000 * 1000);
  out('');
  out(`drain of ${int(target)} events (${int(EVENTS)} backlog + ${int(target - EVENTS)} written by the hub in the no-drain phase)`);
  out(`  baseline: Secretariat store rawInsert, chunks of ${BATCH}     ${int(raw.eventsPerSecond).padStart(9)} events/s   (${raw.seconds.toFixed(1)} s)`);
  out(`  hub -> Secretariat drain, "hub ready" -> acked             ${int(drainRate).padStart(9)} events/s   (${drainSeconds.toFixed(1)} s)   ratio ${r2(ratio)}`);
  out(`  CPU during the drain: hub ${hubCpuDrain.toFixed(1)} s (${cpuPerK(hubCpuDrain)} ms per 1,000 events), Secretariat ${secretariatCpuDrain.toFixed(1)} s (${cpuPerK(secretariatCpuDrain)} ms per 1,000), of ${drainSeconds.toFixed(1)} s wall on 2 cores`);
  out(`  hub start: spawn -> "hub ready" ${((hub.readyAt - hub.spawnedAt) / 1000).toFixed(1)} s (not counted in the drain time)`);
  out(`  hub event-loop delay during the drain: up to ${r2(drained.maxHeap.loopDelayMaxMs)} ms (max per second from /metrics)`);
  out(`  hub /health answered in p50 ${r2(percentile(drained.healthMs, 50))} ms, p99 ${r2(percentile(drained.healthMs, 99))} ms, max ${r2(Math.max(...drained.healthMs))} ms (${drained.polls} polls); hub WAL up to ${mb(Math.max(drained.maxWalBytes, caughtUp.maxWalBytes))} MB`);
  out('');
  out(`memory (/proc/<pid>/status)`);
  out(`  hub peak RSS during the drain (VmHWM)   ${mb(hubPeakRss).toFixed(1).padStart(7)} MB   target <= ${HUB_RSS_TARGET_MB} MB: ${mb(hubPeakRss) <= HUB_RSS_TARGET_MB ? 'met' : 'NOT met'}`);
  const peak = drained.peakSample;
  out(`  hub VmRSS at the end of the drain       ${mb(hubMemory.rss).toFixed(1).padStart(7)} MB   (highest sampled every 200 ms: ${mb(drained.maxSampledRss)} MB = anon ${mb(peak?.anon ?? NaN)} + file ${mb(peak?.file ?? NaN)} + shmem ${mb(peak?.shmem ?? NaN)})`);
  out(`  same hub, no drain, live presses only   ${mb(quietMemory.hwm).toFixed(1).padStart(7)} MB   VmHWM (baseline; VmRSS at its end ${mb(quietMemory.rss)} MB = anon ${mb(quietMemory.anon)} + file ${mb(quietMemory.file)} + shmem ${mb(quietMemory.shmem)})`);
  const heap = drained.maxHeap;
  out(`  hub main thread V8 heap (max of /metrics once a second): total ${mb(heap.heapTotal)} MB (young generation ${mb(heap.newSpace)} MB, large objects ${mb(heap.largeObjectSpace)} MB), used ${mb(heap.heapUsed)} MB, external ${mb(heap.external)} MB`);
  out(`  Secretariat peak RSS (VmHWM)            ${mb(secretariatMemory.hwm).toFixed(1).padStart(7)} MB`);
  out('');
  out(`live presses at ${LIVE_RATE}/s over ${LIVE_DEVICES.length} devices, publish -> PUBACK`);
  out(`  no drain (baseline, ${LIVE_SECONDS} s)   p50 ${noDrainLatency.p50.toFixed(2).padStart(7)} ms  p99 ${noDrainLatency.p99.toFixed(2).padStart(7)} ms  max ${noDrainLatency.max.toFixed(2).padStart(7)} ms  (${noDrainLatency.n} presses)`);
  out(`  during the drain           p50 ${drainLatency.p50.toFixed(2).padStart(7)} ms  p99 ${drainLatency.p99.toFixed(2).padStart(7)} ms  max ${drainLatency.max.toFixed(2).padStart(7)} ms  (${drainLatency.n} presses; ${noDrain.unacked + duringDrain.unacked} unacknowledged)`);
  out('');
  out(`verification: Secretariat holds ${int(centre.eventsTotal)} events (feedback.pressed ${int(centre.eventsByType['feedback.pressed'] ?? 0)}), acked through ${int(centre.ackedThroughSeq)}, duplicatesIgnored ${centre.duplicatesIgnored}; hub outbox lastSeq ${int(after.lastSeq)}, presses ${int(after.presses)} (= ${int(EVENTS)} + ${liveAcked} live acked); hub eventsSent ${int(health.sync.eventsSent)}`);
  for (const [what, ok] of checks) out(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (checks.some(([, ok]) => !ok)) exitCode = 1;
  if (CPU_PROF) out(`CPU profiles (every thread of the hub and the Secretariat): ${profDir}`);

  out(
    JSON.stringify({
      bench: 'sync-drain',
      events: EVENTS,
      batch: BATCH,
      drainEventsPerS: Math.round(drainRate),
      rawInsertEventsPerS: Math.round(raw.eventsPerSecond),
      ratio: r2(ratio),
      hubPeakRssMb: mb(hubPeakRss),
      hubRssTargetMb: HUB_RSS_TARGET_MB,
      liveRatePerS: LIVE_RATE,
      liveP50Ms: drainLatency.p50,
      liveP99Ms: drainLatency.p99,
      liveP50NoDrainMs: noDrainLatency.p50,
      liveP99NoDrainMs: noDrainLatency.p99,
      drainSeconds: r2(drainSeconds),
      hubCpuSeconds: r2(hubCpuDrain),
      secretariatCpuSeconds: r2(secretariatCpuDrain),
      secretariatEventsTotal: centre.eventsTotal,
      duplicatesIgnored: centre.duplicatesIgnored,
      verified: exitCode === 0,
    }),
  );
} catch (error) {
  exitCode = 1;
  process.stderr.write(`sync bench failed: ${(error as Error).stack ?? error}\n`);
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  killAll();
  rmSync(root, { recursive: true, force: true });
}
process.exitCode = exitCode;
