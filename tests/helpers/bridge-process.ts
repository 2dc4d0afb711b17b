import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onLines, REPO_ROOT } from './hub-process.ts';

export const BRIDGE_BIN = fileURLToPath(new URL('../../bin/huduma-bridge.js', import.meta.url));

export interface BridgeProcess {
  child: ChildProcess;
  stderr(): string;
  /** Resolves when a log line with this `msg` appears (or has appeared). */
  logged(msg: string): Promise<Record<string, unknown>>;
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Runs `huduma-bridge start ARGS` as its own process, as a counter host would. */
export function spawnBridge(args: string[]): BridgeProcess {
  const child = spawn(process.execPath, [BRIDGE_BIN, 'start', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const lines: Record<string, unknown>[] = [];
  const waiters: { msg: string; resolve: (line: Record<string, unknown>) => void }[] = [];
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  onLines(child.stderr!, (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.msg === line.msg)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    stderr: () => stderr,
    logged(msg) {
      const seen = lines.find((line) => line.msg === msg);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ msg, resolve });
        void exited.then((code) => reject(new Error(`bridge exited (${code}) before logging "${msg}":\n${stderr}`)));
      });
    },
    exited,
    kill(signal = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
  };
}
