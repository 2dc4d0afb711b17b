// npm run bench:pairing (issue 15): from `huduma-bridge start --pair CODE` to the first
// stored press at the code's counter. A real hub process; per run, a technician's code
// (POST /api/pairing), a fresh Firmata board emulator on a real PTY and a fresh bridge
// process and data dir; the button is pressed as soon as the bridge logs "board armed".
// Phases come from the bridge's own log lines as they reach this process, so what
// dominates shows. Prints a report and, last, one line of JSON. See docs/performance.md.
// Options: --runs 20.
import BetterSqlite3 from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeCentreConfig } from '../../tests/helpers/config-file.ts';
import { BRIDGE_BIN } from '../../tests/helpers/bridge-process.ts';
import { counterHost, pressUntilAcknowledged } from '../../tests/helpers/counter-host.ts';
import { runHubCli, spawnHub } from '../../tests/helpers/hub-process.ts';
import { lanRequest } from '../../tests/helpers/lan-client.ts';
import { median, r2 } from '../bridge/wait.ts';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 20;
const out = (line: string) => process.stdout.write(`${line}\n`);
const root = mkdtempSync(join(tmpdir(), 'huduma-bench-pairing-'));
const hubDir = join(root, 'hub');

const config = writeCentreConfig(root, {});
const staff = await runHubCli(['staff', 'add', 'bench', '--role', 'technician', '--data-dir', hubDir]);
const { password } = JSON.parse(staff.stdout) as { password: string };
const hub = await spawnHub(['--config', config, '--data-dir', hubDir, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1']);
const login = await lanRequest(hub.httpPort, { path: '/api/auth/login', body: { name: 'bench', password } });
const auth = { authorization: `Bearer ${(login.json as { token: string }).token}` };
const db = new BetterSqlite3(join(hubDir, 'hub.db'), { readonly: true });
const storedFor = db.prepare('SELECT count(*) AS n FROM presses WHERE device_id = ?');

// The floor: starting the bridge's runtime at all (node + the TypeScript loader).
const versionStart = performance.now();
execFileSync(process.execPath, [BRIDGE_BIN, '--version']);
const runtimeMs = performance.now() - versionStart;

interface Run {
  /** The bridge's first log line: its runtime is up (node, the TypeScript loader, its modules). */
  up: number;
  found: number;
  paired: number;
  armed: number;
  stored: number;
}
const runs: Run[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const counterId = `c0${(i % 8) + 1}`;
    const opened = await lanRequest(hub.httpPort, { path: '/api/pairing', headers: auth, body: { counterId } });
    const { code } = opened.json as { code: string };
    const host = await counterHost();
    try {
      const start = performance.now();
      const bridge = host.bridge(['--hub', `mqtt://127.0.0.1:${hub.mqttPort}`, '--centre', 'demo-centre', '--pair', code, '--data-dir', join(root, `bridge-${i}`)]);
      const at = async (msg: string) => {
        const line = await bridge.logged(msg);
        return { ms: performance.now() - start, line };
      };
      const up = bridge.logged('reading the board firmware for pairing').then(() => performance.now() - start);
      const found = bridge.logged('board found; claiming a device identity with the pairing code').then(() => performance.now() - start);
      const paired = await at('paired');
      const armed = await at('board armed');
      await pressUntilAcknowledged(host.board, 2);
      const deviceId = paired.line.deviceId as string;
      while ((storedFor.get(deviceId) as { n: number }).n === 0) await new Promise((resolve) => setTimeout(resolve, 2));
      const stored = performance.now() - start;
      runs.push({ up: await up, found: await found, paired: paired.ms, armed: armed.ms, stored });
      out(`  run ${String(i + 1).padStart(2)}: runtime up ${r2(await up)} ms, board found ${r2(await found)} ms, paired ${r2(paired.ms)} ms, armed ${r2(armed.ms)} ms, first press stored ${r2(stored)} ms`);
      await bridge.kill('SIGTERM');
    } finally {
      await host.close();
    }
  }
} finally {
  db.close();
  await hub.kill();
  rmSync(root, { recursive: true, force: true });
}

const p50 = (pick: (r: Run) => number) => r2(median(runs.map(pick)));
const result = {
  runs: runs.length,
  p50: {
    totalMs: p50((r) => r.stored),
    runtimeUpMs: p50((r) => r.up),
    readFirmwareMs: p50((r) => r.found - r.up),
    claimMs: p50((r) => r.paired - r.found),
    armMs: p50((r) => r.armed - r.paired),
    pressToStoredMs: p50((r) => r.stored - r.armed),
  },
  maxMs: r2(Math.max(...runs.map((r) => r.stored))),
  bridgeRuntimeStartMs: r2(runtimeMs),
  loadavg1: r2(loadavg()[0]!),
};
out('');
out(`pairing: huduma-bridge start --pair → first stored press, ${runs.length} runs (emulator on a PTY, hub process on loopback)`);
out(`  p50 total                 ${result.p50.totalMs} ms (max ${result.maxMs} ms)`);
out(`  p50 start → runtime up    ${result.p50.runtimeUpMs} ms (\`huduma-bridge --version\` alone: ${result.bridgeRuntimeStartMs} ms)`);
out(`  p50 read board firmware   ${result.p50.readFirmwareMs} ms`);
out(`  p50 claim (MQTT)          ${result.p50.claimMs} ms`);
out(`  p50 hand over, arm board ${result.p50.armMs} ms`);
out(`  p50 press → stored        ${result.p50.pressToStoredMs} ms`);
out(JSON.stringify(result));
