// One phase of the printer bench: the real hub (`huduma-hub start` through its bin, a
// fresh data dir, the sample centre with `printer.baudRate` set) under open-loop kiosk
// load, printing to the ESC/POS printer emulator on the device end of a socat PTY pair
// (`pty`: `--printer <host end>`, the hub's serial driver), to the same through a relay
// that keeps to the baud rate (`paced`, paced-line.ts), or to its built-in in-memory
// printer (`emulator`: `--printer emulator`, the baseline).
import BetterSqlite3 from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openPtyPair, type PtyPair } from '../../hardware/serial/pty-pair.ts';
import { SAMPLE_CENTRE_PATH } from '../../hub/config/load.ts';
import { hubDatabasePath } from '../../hub/store/database.ts';
import { runHubCli, waitUntil } from '../../tests/helpers/hub-process.ts';
import { sleep } from '../bridge/wait.ts';
import { hubHeap } from '../sync/drain.ts';
import { procCpuSeconds, procMemory, startHub } from '../sync/processes.ts';
import { issueOpenLoop, KioskClient, type TicketRequest } from './kiosk-load.ts';
import { openPacedLine, type PacedLine } from './paced-line.ts';
import { TappedPrinter } from './tapped-printer.ts';

export type PhaseKind = 'emulator' | 'pty' | 'paced';

export interface PhaseOptions {
  root: string;
  kind: PhaseKind;
  baud: number;
  rate: number;
  seconds: number;
  warmupSeconds: number;
  serviceIds: readonly string[];
}

export interface PrintJobRow {
  ticket_id: string;
  state: string;
  attempts: number;
}

export interface PhaseResult {
  kind: PhaseKind;
  requests: TicketRequest[];
  /** The emulated serial printer (undefined for the built-in one). */
  printer: TappedPrinter | undefined;
  /** The paced line's relay: most bytes waiting for the wire, each way. */
  paced: { toPrinterMaxQueued: number; toHostMaxQueued: number } | undefined;
  /** Hub CPU seconds (user + system, all threads) over the timed window, and the window's length. */
  hubCpuS: number;
  windowS: number;
  hubRss: { afterStart: number; maxSampled: number; hwm: number };
  hubLoopDelayMaxMs: number;
  benchLoopDelay: { p99Ms: number; maxMs: number };
  pendingPrintsAfter: number;
  printerStateAfter: string;
  exitCode: number | string;
  printJobs: PrintJobRow[];
  issuedEvents: string[];
  dataDir: string;
}

interface HealthBody {
  queue: { printer: { kind: string; state: string; pendingPrints: number } } | null;
}

async function health(port: number): Promise<HealthBody> {
  const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(10_000) });
  return (await response.json()) as HealthBody;
}

/** The sample centre with the printer's baud rate set (its path comes from `--printer`). */
function writeConfig(root: string, baud: number): string {
  const config = JSON.parse(readFileSync(SAMPLE_CENTRE_PATH, 'utf8')) as Record<string, unknown>;
  config.printer = { baudRate: baud };
  const path = join(root, 'hub-config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

function readStore(dataDir: string): { printJobs: PrintJobRow[]; issuedEvents: string[] } {
  const db = new BetterSqlite3(hubDatabasePath(dataDir), { readonly: true });
  try {
    const printJobs = db.prepare('SELECT ticket_id, state, attempts FROM print_jobs').all() as PrintJobRow[];
    const issuedEvents = (db.prepare("SELECT data FROM outbox WHERE type = 'ticket.issued' ORDER BY seq").all() as Array<{ data: string }>).map(
      (row) => (JSON.parse(row.data) as { ticketId: string }).ticketId,
    );
    return { printJobs, issuedEvents };
  } finally {
    db.close();
  }
}

export async function runPhase(o: PhaseOptions): Promise<PhaseResult> {
  const dataDir = join(o.root, o.kind);
  const configPath = writeConfig(o.root, o.baud);
  let pair: PtyPair | undefined;
  let paced: PacedLine | undefined;
  let printer: TappedPrinter | undefined;
  let line: { close(): Promise<void> } | undefined;
  if (o.kind !== 'emulator') {
    if (o.kind === 'pty') pair = await openPtyPair({ dir: o.root });
    else paced = await openPacedLine(o.baud, o.root);
    printer = new TappedPrinter();
    line = await printer.attachSerial((pair ?? paced)!.devicePath, { baudRate: o.baud });
  }
  const printerPath = (pair ?? paced)?.hostPath ?? 'emulator';
  const hub = await startHub(['--config', configPath, '--data-dir', dataDir, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1', '--printer', printerPath]);
  let client: KioskClient | undefined;
  try {
    // A kiosk token as an operator makes one: the CLI on the data dir while the hub runs.
    const created = await runHubCli(['token', 'create', '--role', 'kiosk', '--data-dir', dataDir]);
    if (created.code !== 0) throw new Error(`huduma-hub token create --role kiosk failed (${created.code}): ${created.stderr}`);
    client = new KioskClient(hub.httpPort, (JSON.parse(created.stdout) as { token: string }).token);
    await waitUntil(() => health(hub.httpPort), (h) => h.queue?.printer.state === 'ready', 'the hub to report its ticket printer ready', 15_000);
    await sleep(500);
    const afterStart = procMemory(hub.pid).rss;

    // Warm-up at the full rate (JIT, connections, the SQLite pages), not counted.
    const warmup = await issueOpenLoop(client, { ratePerS: o.rate, seconds: o.warmupSeconds, serviceIds: o.serviceIds, phase: 'warmup' });
    await sleep(1000);

    // The timed window, with the hub's CPU, resident set and event-loop delay watched.
    let maxRss = 0;
    let loopDelayMax = 0;
    await hubHeap(hub.httpPort); // resets the hub's event-loop histogram
    const sampler = setInterval(() => {
      maxRss = Math.max(maxRss, procMemory(hub.pid).rss);
      void hubHeap(hub.httpPort).then((heap) => (loopDelayMax = Math.max(loopDelayMax, heap.loopDelayMaxMs)), () => undefined);
    }, 1000);
    const benchLoop = monitorEventLoopDelay({ resolution: 1 });
    benchLoop.enable();
    const cpu0 = procCpuSeconds(hub.pid);
    const t0 = performance.now();
    const timed = await issueOpenLoop(client, { ratePerS: o.rate, seconds: o.seconds, serviceIds: o.serviceIds, phase: 'timed', offset: warmup.length });
    const windowS = (performance.now() - t0) / 1000;
    const hubCpuS = procCpuSeconds(hub.pid) - cpu0;
    benchLoop.disable();
    clearInterval(sampler);
    loopDelayMax = Math.max(loopDelayMax, (await hubHeap(hub.httpPort)).loopDelayMaxMs);
    maxRss = Math.max(maxRss, procMemory(hub.pid).rss);

    // Every answered ticket confirmed printed means nothing is left to print; let a late
    // duplicate (a reprint) show if there were one.
    await sleep(1000);
    const after = await health(hub.httpPort);
    const hwm = procMemory(hub.pid).hwm;
    client.close();
    const exitCode = await hub.stop();
    const store = readStore(dataDir);
    return {
      kind: o.kind,
      requests: [...warmup, ...timed],
      printer,
      paced: paced ? { toPrinterMaxQueued: paced.toPrinter.maxQueued, toHostMaxQueued: paced.toHost.maxQueued } : undefined,
      hubCpuS,
      windowS,
      hubRss: { afterStart, maxSampled: maxRss, hwm },
      hubLoopDelayMaxMs: loopDelayMax,
      benchLoopDelay: { p99Ms: benchLoop.percentile(99) / 1e6, maxMs: benchLoop.max / 1e6 },
      pendingPrintsAfter: after.queue?.printer.pendingPrints ?? NaN,
      printerStateAfter: after.queue?.printer.state ?? 'none',
      exitCode,
      printJobs: store.printJobs,
      issuedEvents: store.issuedEvents,
      dataDir,
    };
  } finally {
    client?.close();
    await hub.stop();
    await line?.close();
    await pair?.close();
    await paced?.close();
  }
}
