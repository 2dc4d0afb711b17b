// Memory of the real `huduma-bridge` process driving 4 boards, and of the baseline
// processes it is compared with, read from /proc/<pid>/status (VmRSS, VmHWM).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_BOARD_PROFILE } from '../../firmware-bridge/board-profile.ts';
import { FirmataBoardEmulator } from '../../hardware/firmata/board-emulator.ts';
import type { SerialAttachment } from '../../hardware/firmata/simulated-board.ts';
import { openPtyPair, type PtyPair } from '../../hardware/serial/pty-pair.ts';
import { spawnBridge } from '../../tests/helpers/bridge-process.ts';
import { REPO_ROOT } from '../../tests/helpers/hub-process.ts';
import { median, outputSeen, sleep, withTimeout } from './wait.ts';

const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));
const IDLE_CLIENT_TS = fileURLToPath(new URL('./idle-client.ts', import.meta.url));

export interface MemorySample {
  /** Median VmRSS over the sampling window, bytes. */
  steadyBytes: number;
  /** VmHWM at the end: the peak resident set of the process's life, bytes. */
  peakBytes: number;
}

export interface Credentials {
  deviceId: string;
  password: string;
}

function procStatus(pid: number): { rss: number; hwm: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kB('VmRSS'), hwm: kB('VmHWM') };
}

/** Waits `settleMs`, then takes `samples` readings 200 ms apart. */
async function sampleMemory(pid: number, settleMs: number, samples = 5): Promise<MemorySample> {
  await sleep(settleMs);
  const rss: number[] = [];
  for (let i = 0; i < samples; i++) {
    if (i > 0) await sleep(200);
    rss.push(procStatus(pid).rss);
  }
  return { steadyBytes: median(rss), peakBytes: procStatus(pid).hwm };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await withTimeout(exited, 10_000, `pid ${child.pid} to exit`).catch(() => {
    child.kill('SIGKILL');
    return exited;
  });
}

/**
 * One baseline process (`node …args`), sampled like the bridge once it prints
 * "ready" on stdout. `node -e` is plain node; through bin/run-ts.js it has tsx's loader.
 */
export async function baselineMemory(args: string[], env: Record<string, string>, settleMs: number): Promise<MemorySample> {
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk;
          if (out.includes('ready\n')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`baseline process exited (${code}) before it was ready`)));
      }),
      30_000,
      `baseline process ${args.join(' ')}`,
    );
    return await sampleMemory(child.pid!, settleMs);
  } finally {
    await stopChild(child);
  }
}

export const baselines = {
  /** Plain node, nothing loaded. */
  node: (settleMs: number) => baselineMemory(['-e', 'process.stdout.write("ready\\n"); setInterval(() => {}, 60000)'], {}, settleMs),
  /** node with tsx's loader registered and one tiny .ts module loaded through it. */
  tsx: (settleMs: number) => baselineMemory([RUN_TS, IDLE_CLIENT_TS], { BENCH_DEVICES: '[]' }, settleMs),
  /** node + tsx + mqtt.js with `devices.length` connections to the hub. */
  tsxMqtt: (settleMs: number, hub: string, devices: Credentials[]) => baselineMemory([RUN_TS, IDLE_CLIENT_TS], { BENCH_DEVICES: JSON.stringify(devices), BENCH_HUB: hub }, settleMs),
};

export interface BridgeMemory {
  /** All boards armed and linked, before any vote. */
  ready: MemorySample;
  /** After the votes. */
  afterVotes: MemorySample;
  votes: number;
  /** From spawn to every board armed and every link connected. */
  startupMs: number;
}

/**
 * Spawns `huduma-bridge start --config FILE` with one board per device, each an
 * emulator in this process on its own PTY pair, waits until every board is armed and
 * every link connected, casts `votesPerBoard` votes on every board, and samples.
 */
export async function bridgeMemory(options: { hub: string; devices: Credentials[]; votesPerBoard: number; settleMs: number }): Promise<BridgeMemory> {
  const dir = mkdtempSync(join(tmpdir(), 'huduma-bench-bridge-'));
  const boards: Array<{ pair: PtyPair; board: FirmataBoardEmulator; attachment: SerialAttachment }> = [];
  let bridge: ReturnType<typeof spawnBridge> | undefined;
  try {
    for (let i = 0; i < options.devices.length; i++) {
      const pair = await openPtyPair();
      const board = new FirmataBoardEmulator({ firmataVersion: '2.5' });
      boards.push({ pair, board, attachment: await board.attachSerial(pair.devicePath) });
    }
    const configPath = join(dir, 'bridge.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        hub: options.hub,
        centreId: 'demo-centre',
        dataDir: join(dir, 'data'),
        logLevel: 'info',
        boards: options.devices.map((d, i) => ({ deviceId: d.deviceId, password: d.password, serial: boards[i]!.pair.hostPath })),
      }),
    );
    const started = performance.now();
    const child = spawnBridge(['--config', configPath]);
    bridge = child;
    const count = (msg: string) => child.stderr().split('\n').filter((line) => line.includes(`"msg":"${msg}"`)).length;
    const n = options.devices.length;
    await withTimeout(
      (async () => {
        while (count('board armed') < n || count('connected to the hub') < n) {
          if (child.child.exitCode !== null) throw new Error(`bridge exited:\n${child.stderr()}`);
          await sleep(20);
        }
      })(),
      60_000,
      `${n} × "board armed" and "connected to the hub"`,
    );
    const startupMs = performance.now() - started;
    const pid = child.child.pid!;
    const ready = await sampleMemory(pid, options.settleMs);

    // Votes on every board at once, each button in turn: press, hold until the LED
    // shows the acknowledgment, release, and give the bridge time to see the release.
    const buttons = DEFAULT_BOARD_PROFILE.buttons;
    let votes = 0;
    await Promise.all(
      boards.map(async ({ board }) => {
        for (let v = 0; v < options.votesPerBoard; v++) {
          const { pin, led } = buttons[v % buttons.length]!;
          const lit = outputSeen(board, (change) => change.pin === led && change.pwm === 255);
          board.setInput(pin, false);
          await withTimeout(lit, 5000, `acknowledgment on D${led} from the bridge process`);
          board.setInput(pin, true);
          votes += 1;
          await sleep(150);
        }
      }),
    );
    const afterVotes = await sampleMemory(pid, options.settleMs);
    return { ready, afterVotes, votes, startupMs };
  } finally {
    if (bridge) {
      bridge.child.kill('SIGTERM');
      await withTimeout(bridge.exited, 10_000, 'the bridge process to stop').catch(() => bridge!.kill('SIGKILL'));
    }
    for (const { attachment, board, pair } of boards) {
      await attachment.close();
      await board.close();
      await pair.close();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
