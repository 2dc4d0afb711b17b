// The processes the sync bench runs: the Secretariat receiver and the hub, each as its
// own node process through its real bin (as an operator runs them), plus what the bench
// reads about them from /proc. Every child is tracked so the bench can SIGKILL
// whatever is left, whatever failed.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { onLines, REPO_ROOT, shebangFlags } from '../../tests/helpers/hub-process.ts';
import { withTimeout } from '../bridge/wait.ts';

const HUB_BIN = fileURLToPath(new URL('../../bin/huduma-hub.js', import.meta.url));
const SECRETARIAT_BIN = fileURLToPath(new URL('../../bin/huduma-secretariat.js', import.meta.url));
const RUNTIME_SCRIPT = fileURLToPath(new URL('../../scripts/runtime.mjs', import.meta.url));
/** Kept of each child's stderr, for the error message when it dies. */
const STDERR_TAIL = 64 * 1024;
/** Linux USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const CLK_TCK = 100;

const children = new Set<ChildProcess>();

export interface Child {
  child: ChildProcess;
  pid: number;
  /** The ready log line, parsed. */
  ready: Record<string, unknown>;
  stderrTail(): string;
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code or signal. */
  stop(graceMs?: number): Promise<number | string>;
}

/**
 * Builds the compiled runtime (scripts/runtime.mjs) for the sources as they are now, so
 * that a hub or Secretariat started next does not transpile the sources itself: that
 * loads the TypeScript compiler into the process and would count in its peak RSS.
 * Returns the runtime directory (its name is a digest of the sources).
 */
export function ensureRuntime(): string {
  return execFileSync(process.execPath, [RUNTIME_SCRIPT], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
}

/**
 * `node [the bin's shebang flags] [nodeFlags] BIN start ARGS` (as `npx BIN` runs it),
 * resolved once it logs `readyMsg` (JSON on stderr).
 */
function startChild(bin: string, args: string[], readyMsg: string, nodeFlags: string[], what: string): Promise<Child> {
  const child = spawn(process.execPath, [...shebangFlags(bin), ...nodeFlags, bin, 'start', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let tail = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-STDERR_TAIL);
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? signal ?? -1);
    }),
  );
  const ready = new Promise<Child>((resolve, reject) => {
    onLines(child.stderr!, (line) => {
      if (!line.includes(`"msg":"${readyMsg}"`)) return;
      resolve({
        child,
        pid: child.pid!,
        ready: JSON.parse(line) as Record<string, unknown>,
        stderrTail: () => tail,
        exited,
        stop: (graceMs = 30_000) => stopChild(child, exited, graceMs),
      });
    });
    void exited.then((code) => reject(new Error(`${what} exited (${code}) before it was ready:\n${tail}`)));
  });
  return withTimeout(ready, 120_000, `${what} to log "${readyMsg}"`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | string>, graceMs: number): Promise<number | string> {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill('SIGTERM');
  return withTimeout(exited, graceMs, `pid ${child.pid} to exit after SIGTERM`).catch(() => {
    child.kill('SIGKILL');
    return exited;
  });
}

/** `huduma-secretariat start` on a free port (SQLite under `dataDir`). Logs at info: its ready line is an info line. */
export async function startSecretariat(dataDir: string, nodeFlags: string[] = []): Promise<Child & { port: number }> {
  const started = await startChild(SECRETARIAT_BIN, ['--data-dir', dataDir, '--http-port', '0', '--host', '127.0.0.1', '--log-level', 'info'], 'secretariat ready', nodeFlags, 'the Secretariat');
  return { ...started, port: Number(started.ready.httpPort) };
}

/** `huduma-secretariat centre add ID`: returns the centre's signing secret. */
export function addCentre(dataDir: string, centreId: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SECRETARIAT_BIN, 'centre', 'add', centreId, '--data-dir', dataDir], { cwd: REPO_ROOT }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`centre add ${centreId} failed: ${stderr || error.message}`));
      resolve((JSON.parse(stdout) as { secret: string }).secret);
    });
  });
}

/** `huduma-hub start ARGS`, resolved on "hub ready" with the moment it was seen. */
export async function startHub(args: string[], nodeFlags: string[] = []): Promise<Child & { mqttPort: number; httpPort: number; spawnedAt: number; readyAt: number }> {
  const spawnedAt = performance.now();
  const started = await startChild(HUB_BIN, args, 'hub ready', nodeFlags, 'the hub');
  return { ...started, mqttPort: Number(started.ready.mqttPort), httpPort: Number(started.ready.httpPort), spawnedAt, readyAt: performance.now() };
}

/** SIGKILLs every child still running (the bench's last resort, also on failure). */
export function killAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

export interface ProcMemory {
  /** VmRSS: resident now, bytes. */
  rss: number;
  /** VmHWM: the process's peak resident set over its life (all threads), bytes. */
  hwm: number;
  /** VmRSS split: anonymous memory (heaps, malloc), file pages mapped, shared memory (SQLite's WAL index). */
  anon: number;
  file: number;
  shmem: number;
}

export function procMemory(pid: number): ProcMemory {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kB('VmRSS'), hwm: kB('VmHWM'), anon: kB('RssAnon'), file: kB('RssFile'), shmem: kB('RssShmem') };
}

/** CPU seconds (user + system, all threads) the process has used so far. */
export function procCpuSeconds(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, inside parentheses): state is
  // field 3, utime 14, stime 15.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** On Ctrl-C: kill every child this bench started, remove its temp dir, exit 130. */
export function cleanUpOnInterrupt(dir: string): void {
  process.once('SIGINT', () => {
    killAll();
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
}
