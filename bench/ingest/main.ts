// npm run bench:ingest: durable ingest vs bare aedes, measured in the same run with the
// same load generator (real mqtt.js device clients). Prints a table and, last, one
// line of JSON with the headline figures. See docs/performance.md.
// Options: --rounds=3 --seconds=5 --window=16 --clients=50 --rate=2000 --fixed-seconds=10
// --idle-devices=500 --phases=throughput,latency,memory; BENCH_SERVER_PROF=1 writes CPU
// profiles of the server to scratch/prof; BENCH_SERVER_FLAGS passes node flags to it.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { deviceTopic } from '../../protocol/topics.ts';

const CENTRE = 'demo-centre';
const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));
const SERVER_TS = fileURLToPath(new URL('./server.ts', import.meta.url));
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const CLIENTS = Number(args.get('clients') ?? 50);
const WINDOW = Number(args.get('window') ?? 16);
const THROUGHPUT_MS = Number(args.get('seconds') ?? 5) * 1000;
const ROUNDS = Number(args.get('rounds') ?? 3);
const FIXED_RATE = Number(args.get('rate') ?? 2000);
const FIXED_MS = Number(args.get('fixed-seconds') ?? 10) * 1000;
const IDLE_DEVICES = Number(args.get('idle-devices') ?? 500);
const PHASES = new Set((args.get('phases') ?? 'throughput,latency,memory').split(','));

type Mode = 'bare' | 'hub';
interface ServerStats {
  store?: { walBytes: number; commits: number };
  rssBytes: number;
  heapUsedBytes: number;
  maxRssBytes: number;
  loopDelayMs: { p50: number; p99: number; max: number };
}
interface Server {
  port: number;
  devices: Array<{ deviceId: string; password: string }>;
  request<T>(type: string): Promise<T>;
  stop(): Promise<void>;
}

function startServer(mode: Mode, devices: number): Promise<Server> {
  const child: ChildProcess = fork(RUN_TS, [SERVER_TS, mode, String(devices)], { execArgv: ['--expose-gc', ...(process.env.BENCH_SERVER_FLAGS ? process.env.BENCH_SERVER_FLAGS.split(' ') : []), ...(process.env.BENCH_SERVER_PROF ? ['--cpu-prof', '--cpu-prof-dir=scratch/prof'] : [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = (type: string) => new Promise<any>((resolve) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
  });
  return next('ready').then((ready) => ({
    port: ready.port,
    devices: ready.devices,
    request: <T>(type: string) => {
      const reply = next(type) as Promise<T>;
      child.send({ type });
      return reply;
    },
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await exited;
    },
  }));
}

async function connect(server: Server, count: number): Promise<MqttClient[]> {
  return Promise.all(
    server.devices.slice(0, count).map((d) =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${server.port}`, { clientId: d.deviceId, username: d.deviceId, password: d.password, reconnectPeriod: 0, connectTimeout: 30_000 }),
    ),
  );
}

/**
 * Each press looks like a bridge replaying its offline queue: `sentUpMs` far after
 * `upMs`, presses 3 s apart in device uptime. So every press is valid, distinct, not
 * a lock-out repeat and within the per-device budget: the hub does its full work for
 * each one (nothing is cheaply refused).
 */
function pressSender(client: MqttClient) {
  const boot = randomBytes(8).toString('hex');
  let seq = 0;
  const topic = deviceTopic(CENTRE, client.options.clientId!, 'press');
  return (onAck: () => void) => {
    seq++;
    client.publish(topic, JSON.stringify({ seq, boot, rating: (seq % 4) + 1, upMs: seq * 3000, sentUpMs: 1_000_000_000 }), { qos: 1 }, (error) => {
      if (!error) onAck();
    });
  };
}

async function throughputRun(mode: Mode): Promise<{ perSecond: number; stats: ServerStats }> {
  const server = await startServer(mode, CLIENTS);
  const clients = await connect(server, CLIENTS);
  let counting = false;
  let running = true;
  let acked = 0;
  for (const client of clients) {
    const send = pressSender(client);
    const loop = () => {
      if (!running) return;
      send(() => {
        if (counting) acked++;
        loop();
      });
    };
    for (let i = 0; i < WINDOW; i++) loop();
  }
  await sleep(1000);
  await server.request('reset');
  counting = true;
  const started = performance.now();
  await sleep(THROUGHPUT_MS);
  counting = false;
  const perSecond = (acked / (performance.now() - started)) * 1000;
  running = false;
  const stats = await server.request<ServerStats>('stats');
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await server.stop();
  return { perSecond, stats };
}

async function fixedRateRun(mode: Mode): Promise<{ latencies: number[]; offered: number; stats: ServerStats }> {
  const server = await startServer(mode, CLIENTS);
  const clients = await connect(server, CLIENTS);
  const senders = clients.map(pressSender);
  const latencies: number[] = [];
  let offered = 0;
  await server.request('reset');
  const intervalMs = (1000 * CLIENTS) / FIXED_RATE;
  const timers = senders.map((send, i) => {
    let timer: NodeJS.Timeout | undefined;
    const start = setTimeout(() => {
      timer = setInterval(() => {
        const t0 = performance.now();
        offered++;
        send(() => latencies.push(performance.now() - t0));
      }, intervalMs);
    }, (i * intervalMs) / CLIENTS);
    return () => {
      clearTimeout(start);
      clearInterval(timer);
    };
  });
  await sleep(FIXED_MS);
  timers.forEach((cancel) => cancel());
  await sleep(200);
  const stats = await server.request<ServerStats>('stats');
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await server.stop();
  return { latencies, offered: offered / (FIXED_MS / 1000), stats };
}

async function idleRun(mode: Mode): Promise<{ idleRss: number; loadedRss: number }> {
  const server = await startServer(mode, IDLE_DEVICES);
  await sleep(500);
  const idle = await server.request<ServerStats>('stats');
  const clients: MqttClient[] = [];
  for (let i = 0; i < IDLE_DEVICES; i += 50) clients.push(...(await connect({ ...server, devices: server.devices.slice(i, i + 50) }, 50)));
  await sleep(2000);
  const loaded = await server.request<ServerStats>('stats');
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await server.stop();
  return { idleRss: idle.rssBytes, loadedRss: loaded.rssBytes };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;
const out = (line: string) => process.stdout.write(`${line}\n`);

out(`ingest bench: ${CLIENTS} mqtt.js device clients, QoS 1; throughput with window ${WINDOW} for ${THROUGHPUT_MS / 1000} s, latency at ${FIXED_RATE}/s for ${FIXED_MS / 1000} s; ${ROUNDS} rounds`);
const rates: Record<Mode, number[]> = { bare: [], hub: [] };
const fixed: Record<Mode, Array<{ p50: number; p99: number; max: number }>> = { bare: [], hub: [] };
const hubLoopDelayAtRate: number[] = [];
let hubPeakRss = 0;
let hubLoopDelayAtSaturation = 0;
let hubWalBytes = 0;
for (let round = 0; round < ROUNDS; round++) {
  for (const mode of ['bare', 'hub'] as const) {
    if (!PHASES.has('throughput')) break;
    const { perSecond, stats } = await throughputRun(mode);
    rates[mode].push(perSecond);
    if (mode === 'hub') {
      hubPeakRss = Math.max(hubPeakRss, stats.maxRssBytes);
      hubLoopDelayAtSaturation = Math.max(hubLoopDelayAtSaturation, stats.loopDelayMs.p99);
      hubWalBytes = Math.max(hubWalBytes, stats.store?.walBytes ?? 0);
    }
    out(`  round ${round + 1} ${mode.padEnd(4)} saturated: ${Math.round(perSecond).toString().padStart(6)} presses/s acked  (peak RSS ${mb(stats.maxRssBytes)} MB, event-loop delay p99 ${r2(stats.loopDelayMs.p99)} ms)`);
  }
  for (const mode of ['bare', 'hub'] as const) {
    if (!PHASES.has('latency')) break;
    const { latencies, offered, stats } = await fixedRateRun(mode);
    const figures = { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) };
    fixed[mode].push(figures);
    if (mode === "hub") hubLoopDelayAtRate.push(stats.loopDelayMs.p99);
    out(`  round ${round + 1} ${mode.padEnd(4)} at ${Math.round(offered)}/s: publish->PUBACK p50 ${r2(figures.p50)} ms  p99 ${r2(figures.p99)} ms  max ${r2(figures.max)} ms  (${latencies.length} acked, event-loop delay p99 ${r2(stats.loopDelayMs.p99)} ms)`);
  }
}
const ratio = median(rates.hub) / median(rates.bare);
const latency = (mode: Mode) => ({ p50: r2(median(fixed[mode].map((f) => f.p50))), p99: r2(median(fixed[mode].map((f) => f.p99))), max: r2(median(fixed[mode].map((f) => f.max))) });
out(`throughput (median): hub ${Math.round(median(rates.hub))}/s vs bare aedes ${Math.round(median(rates.bare))}/s -> ratio ${r2(ratio)} (target >= 0.8)`);
out(`latency at ${FIXED_RATE}/s (median of rounds): hub p50 ${latency('hub').p50} ms, p99 ${latency('hub').p99} ms (target <= 5); bare p50 ${latency('bare').p50} ms, p99 ${latency('bare').p99} ms`);

const idle: Record<Mode, { idleRss: number; loadedRss: number }> = {} as never;
for (const mode of ['bare', 'hub'] as const) {
  if (!PHASES.has('memory')) break;
  idle[mode] = await idleRun(mode);
  const perClientKiB = (idle[mode].loadedRss - idle[mode].idleRss) / IDLE_DEVICES / 1024;
  out(`memory: ${mode.padEnd(4)} RSS ${mb(idle[mode].idleRss)} MB idle -> ${mb(idle[mode].loadedRss)} MB with ${IDLE_DEVICES} connected idle devices (${Math.round(perClientKiB)} KiB each)`);
}

out(
  JSON.stringify({
    bench: 'ingest',
    clients: CLIENTS,
    window: WINDOW,
    rounds: ROUNDS,
    hubPressesPerSecond: Math.round(median(rates.hub)),
    bareAedesPerSecond: Math.round(median(rates.bare)),
    durableToBareRatio: r2(ratio),
    fixedRatePerSecond: FIXED_RATE,
    latencyAtFixedRateMs: { hub: latency('hub'), bare: latency('bare') },
    hubEventLoopDelayP99Ms: { atFixedRate: r2(median(hubLoopDelayAtRate)), saturated: r2(hubLoopDelayAtSaturation) },
    hubPeakRssMB: mb(hubPeakRss),
    hubWalPeakMB: mb(hubWalBytes),
    rssWith500IdleDevicesMB: { hub: mb(idle.hub?.loadedRss ?? NaN), bare: mb(idle.bare?.loadedRss ?? NaN) },
  }),
);
