// npm run bench:bridge: the feedback-device bridge on its production path (an emulated
// StandardFirmata board on the device end of a socat PTY pair, serialport + firmata-io +
// johnny-five on the host end, the real hub over MQTT on loopback), each figure next to
// a baseline measured in the same run. Prints a report and, last, one line of JSON with
// the headline figures. See docs/performance.md.
// Options: --presses=300 --warmup=12 --debounce=45 --votes-per-board=4 --settle-ms=1500
// --gap-ms=5 --phases=latency,memory (also `--presses 300`).
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { DEFAULT_BOARD_PROFILE } from '../../firmware-bridge/board-profile.ts';
import type { EifdDevice, VoteRecord } from '../../firmware-bridge/eifd-device.ts';
import { FirmataBoardEmulator } from '../../hardware/firmata/board-emulator.ts';
import { deviceTopic } from '../../protocol/topics.ts';
import { armed, linked, startBridge } from '../../tests/helpers/bridge-fixture.ts';
import { RawFirmataPath, type RawSample } from './raw-firmata.ts';
import { baselines, bridgeMemory, type Credentials, type MemorySample } from './rss.ts';
import { mb, median, outputSeen, percentile, r2, sleep, withTimeout } from './wait.ts';

const CENTRE = 'demo-centre';
const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));
const HUB_SERVER_TS = fileURLToPath(new URL('./hub-server.ts', import.meta.url));

const argv = process.argv.slice(2);
const args = new Map<string, string>();
for (let i = 0; i < argv.length; i++) {
  const [key, value] = argv[i]!.replace(/^--/, '').split('=') as [string, string | undefined];
  args.set(key, value ?? argv[++i] ?? '');
}
const PRESSES = Number(args.get('presses') ?? 300);
const WARMUP = Number(args.get('warmup') ?? 12);
const DEBOUNCE_MS = Number(args.get('debounce') ?? 45);
const VOTES_PER_BOARD = Number(args.get('votes-per-board') ?? 4);
const SETTLE_MS = Number(args.get('settle-ms') ?? 1500);
const GAP_MS = Number(args.get('gap-ms') ?? 5);
const PHASES = new Set((args.get('phases') ?? 'latency,memory').split(','));
const BOARDS = 4;
const BUTTONS = DEFAULT_BOARD_PROFILE.buttons;

interface HubServer {
  port: number;
  devices: Credentials[];
  outcomes(): Promise<{ stored: number; misuse: number; rejected: number }>;
  stop(): Promise<void>;
}

function startHubServer(devices: number): Promise<HubServer> {
  const child: ChildProcess = fork(RUN_TS, [HUB_SERVER_TS, String(devices), String(DEBOUNCE_MS)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = (type: string) =>
    new Promise<any>((resolve, reject) => {
      const onMessage = (message: { type: string }) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message);
      };
      const onExit = (code: number | null) => reject(new Error(`hub server exited (${code}) while the bench waited for "${type}"`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return withTimeout(next('ready'), 30_000, 'the hub server').then((ready) => ({
    port: ready.port,
    devices: ready.devices,
    outcomes: () => {
      const reply = next('outcomes');
      child.send({ type: 'outcomes' });
      return reply;
    },
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await withTimeout(exited, 10_000, 'the hub server to stop').catch(() => child.kill('SIGKILL'));
    },
  }));
}

interface BridgeSample {
  /** Edge → the bridge's `level` event (firmata-io decoded it, johnny-five's 7 ms filter passed it). */
  levelMs: number;
  /** Edge → the vote accepted (debounce timer fired, journal written and fdatasync'd, LED write issued). */
  voteMs: number;
  /** Edge → the board sees its LED at full brightness: the citizen's acknowledgment. */
  ackMs: number;
  /** Edge → the bridge has the hub's PUBACK (the PressSender's publish callback). */
  pubackMs: number;
  signal: string;
}

/**
 * The hub's PUBACK as the bridge sees it: the PressSender removes a vote from the
 * journal in its publish callback, i.e. on the PUBACK, which the hub sends only after
 * the vote is committed. The bench wraps that one call to timestamp it.
 */
function pubackTimes(device: EifdDevice): (seq: number) => Promise<number> {
  const seen = new Map<number, number>();
  const waiters = new Map<number, (at: number) => void>();
  const acknowledge = device.journal.acknowledge.bind(device.journal);
  device.journal.acknowledge = (press) => {
    const at = performance.now();
    acknowledge(press);
    const waiter = waiters.get(press.seq);
    if (waiter) {
      waiters.delete(press.seq);
      waiter(at);
    } else seen.set(press.seq, at);
  };
  return (seq) => {
    const at = seen.get(seq);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve) => waiters.set(seq, resolve));
  };
}

/** Times the journal append (write + fdatasync) that every vote makes before its acknowledgment. */
function appendTimes(device: EifdDevice): number[] {
  const times: number[] = [];
  const append = device.journal.append.bind(device.journal);
  device.journal.append = (press) => {
    const t0 = performance.now();
    const result = append(press);
    times.push(performance.now() - t0);
    return result;
  };
  return times;
}

/** One citizen's vote through the in-process bridge; returns once the button may vote again. */
async function bridgePress(device: EifdDevice, board: FirmataBoardEmulator, puback: (seq: number) => Promise<number>, pin: number, led: number): Promise<BridgeSample> {
  const level = new Promise<number>((resolve) => {
    const on = (levelPin: number, down: boolean) => {
      if (levelPin !== pin || !down) return;
      device.board.off('level', on);
      resolve(performance.now());
    };
    device.board.on('level', on);
  });
  const vote = new Promise<[number, VoteRecord]>((resolve) => device.once('vote', (record) => resolve([performance.now(), record])));
  const lit = outputSeen(board, (change) => change.pin === led && change.pwm === 255);
  const t0 = performance.now();
  board.setInput(pin, false);
  const [voteAt, record] = await withTimeout(vote, 5000, `a vote on D${pin}`);
  const [levelAt, litAt, pubackAt] = await withTimeout(Promise.all([level, lit, puback(record.press.seq)]), 5000, `the LED and the PUBACK of vote ${record.press.seq}`);
  const rearmed = new Promise<void>((resolve) => {
    const on = (rearmedPin: number) => {
      if (rearmedPin !== pin) return;
      device.off('rearmed', on);
      resolve();
    };
    device.on('rearmed', on);
  });
  board.setInput(pin, true);
  await withTimeout(rearmed, 5000, `D${pin} to re-arm`);
  return { levelMs: levelAt - t0, voteMs: voteAt - t0, ackMs: litAt - t0, pubackMs: pubackAt - t0, signal: record.signal };
}

/** A bare mqtt.js device client: one live press, QoS 1, publish → PUBACK. */
function barePublisher(client: MqttClient): () => Promise<number> {
  const boot = randomBytes(8).toString('hex');
  const started = performance.now();
  const topic = deviceTopic(CENTRE, client.options.clientId!, 'press');
  let seq = 0;
  return () =>
    new Promise((resolve, reject) => {
      seq++;
      const upMs = Math.floor(performance.now() - started);
      const payload = JSON.stringify({ seq, boot, rating: (seq % 4) + 1, upMs, at: new Date().toISOString(), sentUpMs: upMs });
      const t0 = performance.now();
      client.publish(topic, payload, { qos: 1 }, (error) => (error ? reject(error) : resolve(performance.now() - t0)));
    });
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const pct = (xs: readonly number[]) => ({ p50: r2(percentile(xs, 50)), p99: r2(percentile(xs, 99)), max: r2(Math.max(...xs)) });
const fmt = (f: { p50: number; p99: number; max: number }) => `p50 ${f.p50.toFixed(2).padStart(6)} ms  p99 ${f.p99.toFixed(2).padStart(6)} ms  max ${f.max.toFixed(2).padStart(6)} ms`;

out(`bridge bench: ${PRESSES} presses (+${WARMUP} warm-up) rotating over D2-D5, debounce ${DEBOUNCE_MS} ms; memory with ${BOARDS} boards, ${VOTES_PER_BOARD} votes each`);
const hub = await startHubServer(2 + 2 * BOARDS);
const hubUrl = `mqtt://127.0.0.1:${hub.port}`;
const [latencyDevice, bareDevice] = hub.devices;
const bridgeDevices = hub.devices.slice(2, 2 + BOARDS);
const baselineDevices = hub.devices.slice(2 + BOARDS, 2 + 2 * BOARDS);

const raw: RawSample[] = [];
const bridged: BridgeSample[] = [];
const bare: number[] = [];
const journalAppend: number[] = [];
const memory: { node?: MemorySample; tsx?: MemorySample; tsxMqtt?: MemorySample; bridge?: Awaited<ReturnType<typeof bridgeMemory>> } = {};
let outcomes = { stored: 0, misuse: 0, rejected: 0 };
// The bench process hosts the emulators, the bridge and both baselines' host ends: a
// stall of its event loop delays every path alike.
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
try {
  if (PHASES.has('latency')) {
    // Undone in reverse whatever happens, so no socat, serial port or connection outlives the bench.
    const cleanups: Array<() => Promise<unknown>> = [];
    try {
      const rawPath = await RawFirmataPath.open(BUTTONS);
      cleanups.push(() => rawPath.close());
      const board = new FirmataBoardEmulator({ firmataVersion: '2.5' });
      cleanups.push(() => board.close());
      const fixture = await startBridge({
        hubPort: hub.port,
        boards: [{ deviceId: latencyDevice!.deviceId, password: latencyDevice!.password, board }],
        via: 'pty',
        settings: { debounceMs: DEBOUNCE_MS, lockoutMs: 0 },
      });
      cleanups.push(() => fixture.stop());
      const client = await mqtt.connectAsync(hubUrl, { clientId: bareDevice!.deviceId, username: bareDevice!.deviceId, password: bareDevice!.password, reconnectPeriod: 0 });
      cleanups.push(() => client.endAsync(true));
      const device = fixture.device(latencyDevice!.deviceId);
      await withTimeout(Promise.all([armed(device), linked(device)]), 30_000, 'the bridge to arm its board and connect');
      const puback = pubackTimes(device);
      const appends = appendTimes(device);
      const publishBare = barePublisher(client);
      loopDelay.enable();
      // Interleaved, one thing at a time, so the three paths see the same conditions.
      for (let i = 0; i < WARMUP + PRESSES; i++) {
        const { pin, led } = BUTTONS[i % BUTTONS.length]!;
        if (i === WARMUP) loopDelay.reset();
        const rawSample = await rawPath.press(pin, led);
        const bridgeSample = await bridgePress(device, board, puback, pin, led);
        const bareMs = await publishBare();
        await sleep(GAP_MS);
        if (i < WARMUP) continue;
        raw.push(rawSample);
        journalAppend.push(appends[appends.length - 1]!);
        bridged.push(bridgeSample);
        bare.push(bareMs);
        if ((i - WARMUP + 1) % 50 === 0) out(`  ${i - WARMUP + 1}/${PRESSES} presses: ack p50 so far ${r2(median(bridged.map((s) => s.ackMs)))} ms, raw round trip ${r2(median(raw.map((s) => s.roundTripMs)))} ms`);
      }
      loopDelay.disable();
    } finally {
      for (const cleanup of cleanups.reverse()) await cleanup().catch((error: Error) => out(`  cleanup failed: ${error.message}`));
    }
    outcomes = await hub.outcomes();
  }
  if (PHASES.has('memory')) {
    memory.node = await baselines.node(SETTLE_MS);
    memory.tsx = await baselines.tsx(SETTLE_MS);
    memory.tsxMqtt = await baselines.tsxMqtt(SETTLE_MS, hubUrl, baselineDevices);
    memory.bridge = await bridgeMemory({ hub: hubUrl, devices: bridgeDevices, votesPerBoard: VOTES_PER_BOARD, settleMs: SETTLE_MS });
  }
} finally {
  await hub.stop();
}

// Report.
const figures = {
  rawRead: pct(raw.map((s) => s.readMs)),
  rawRoundTrip: pct(raw.map((s) => s.roundTripMs)),
  level: pct(bridged.map((s) => s.levelMs)),
  vote: pct(bridged.map((s) => s.voteMs)),
  ack: pct(bridged.map((s) => s.ackMs)),
  ackNet: pct(bridged.map((s) => s.ackMs - DEBOUNCE_MS)),
  journalAppend: pct(journalAppend),
  levelToVoteNet: pct(bridged.map((s) => s.voteMs - s.levelMs - DEBOUNCE_MS)),
  voteToAck: pct(bridged.map((s) => s.ackMs - s.voteMs)),
  puback: pct(bridged.map((s) => s.pubackMs)),
  voteToPuback: pct(bridged.map((s) => s.pubackMs - s.voteMs)),
  bare: pct(bare),
};
const ratio = (a: { p50: number; p99: number }, b: { p50: number; p99: number }) => ({ p50: r2(a.p50 / b.p50), p99: r2(a.p99 / b.p99) });
const ackToRaw = ratio(figures.ack, figures.rawRoundTrip);
const ackNetToRaw = ratio(figures.ackNet, figures.rawRoundTrip);
const voteToPubackToBare = ratio(figures.voteToPuback, figures.bare);
if (bridged.length > 0) {
  const signals = [...new Set(bridged.map((s) => s.signal))].join(', ');
  out('');
  out(`press -> local acknowledgment (${bridged.length} presses; signal: ${signals})`);
  out(`  baseline, raw Firmata round trip     ${fmt(figures.rawRoundTrip)}   (edge -> firmata-io reads it -> LED write -> board)`);
  out(`  baseline, raw Firmata one way        ${fmt(figures.rawRead)}   (edge -> firmata-io reads it)`);
  out(`  bridge: edge -> level event          ${fmt(figures.level)}   (one way + johnny-five's 7 ms filter)`);
  out(`  bridge: edge -> vote accepted        ${fmt(figures.vote)}   (+ ${DEBOUNCE_MS} ms debounce, journal fdatasync)`);
  out(`  bridge: level -> vote, net of debounce ${fmt(figures.levelToVoteNet)}   (timer lateness + journal write and fdatasync)`);
  out(`    of which journal append           ${fmt(figures.journalAppend)}   (write + fdatasync, on the bridge's event loop)`);
  out(`  bridge: vote accepted -> LED at board ${fmt(figures.voteToAck)}   (LED write back over the PTY)`);
  out(`  bridge: edge -> LED at full (ack)    ${fmt(figures.ack)}   ratio to raw round trip: p50 ${ackToRaw.p50}, p99 ${ackToRaw.p99}`);
  out(`  bridge: ack net of debounce          ${fmt(figures.ackNet)}   ratio to raw round trip: p50 ${ackNetToRaw.p50}, p99 ${ackNetToRaw.p99}`);
  out('');
  out('press -> hub PUBACK (as the bridge receives it; the hub sends it after COMMIT)');
  out(`  baseline, bare mqtt.js publish->PUBACK ${fmt(figures.bare)}`);
  out(`  bridge: edge -> PUBACK               ${fmt(figures.puback)}`);
  out(`  bridge: vote accepted -> PUBACK      ${fmt(figures.voteToPuback)}   ratio to bare: p50 ${voteToPubackToBare.p50}, p99 ${voteToPubackToBare.p99}`);
  out(`  event-loop delay of the bench process meanwhile: p50 ${r2(loopDelay.percentile(50) / 1e6)} ms, p99 ${r2(loopDelay.percentile(99) / 1e6)} ms, max ${r2(loopDelay.max / 1e6)} ms`);
  const timed = bridged.length + bare.length + 2 * WARMUP;
  out(`  hub stored ${outcomes.stored} of ${timed} presses sent (misuse-flagged ${outcomes.misuse}, rejected ${outcomes.rejected})`);
}
const rss = (m: MemorySample | undefined) => ({ steadyMB: mb(m?.steadyBytes ?? NaN), peakMB: mb(m?.peakBytes ?? NaN) });
const bridgeRss = memory.bridge?.afterVotes;
const rssRatio = bridgeRss && memory.tsxMqtt ? r2(bridgeRss.steadyBytes / memory.tsxMqtt.steadyBytes) : NaN;
if (memory.bridge && memory.node && memory.tsx && memory.tsxMqtt) {
  const row = (name: string, m: MemorySample) => out(`  ${name.padEnd(52)} VmRSS ${mb(m.steadyBytes).toFixed(1).padStart(6)} MB   VmHWM ${mb(m.peakBytes).toFixed(1).padStart(6)} MB`);
  out('');
  out(`memory (/proc/<pid>/status; VmRSS median of 5 samples after ${SETTLE_MS} ms settling, VmHWM = peak)`);
  row('plain node (node -e)', memory.node);
  row('node + tsx loader (bin/run-ts.js)', memory.tsx);
  row(`node + tsx + mqtt.js, ${BOARDS} connections (baseline)`, memory.tsxMqtt);
  row(`huduma-bridge, ${BOARDS} boards armed + linked`, memory.bridge.ready);
  row(`huduma-bridge, after ${memory.bridge.votes} votes`, memory.bridge.afterVotes);
  out(`  bridge / baseline: ${rssRatio} (bridge adds ${mb(memory.bridge.afterVotes.steadyBytes - memory.tsxMqtt.steadyBytes)} MB); startup to all armed + linked ${Math.round(memory.bridge.startupMs)} ms`);
}

out(
  JSON.stringify({
    bench: 'bridge',
    presses: bridged.length,
    debounceMs: DEBOUNCE_MS,
    ackMs: { p50: figures.ack.p50, p99: figures.ack.p99 },
    ackNetOfDebounceMs: { p50: figures.ackNet.p50, p99: figures.ackNet.p99 },
    rawFirmataRoundTripMs: { p50: figures.rawRoundTrip.p50, p99: figures.rawRoundTrip.p99 },
    levelEventMs: { p50: figures.level.p50, p99: figures.level.p99 },
    journalAppendMs: { p50: figures.journalAppend.p50, p99: figures.journalAppend.p99 },
    ackToRawRatio: ackToRaw,
    ackNetToRawRatio: ackNetToRaw,
    pressToPubackMs: { p50: figures.puback.p50, p99: figures.puback.p99 },
    voteToPubackMs: { p50: figures.voteToPuback.p50, p99: figures.voteToPuback.p99 },
    barePubackMs: { p50: figures.bare.p50, p99: figures.bare.p99 },
    voteToPubackToBareRatio: voteToPubackToBare,
    rssMB: { bridge4Boards: rss(bridgeRss), baselineTsxMqtt4: rss(memory.tsxMqtt), tsxOnly: rss(memory.tsx), nodeOnly: rss(memory.node) },
    bridgeToBaselineRssRatio: rssRatio,
    benchLoopDelayMs: { p99: r2(loopDelay.percentile(99) / 1e6), max: r2(loopDelay.max / 1e6) },
  }),
);
