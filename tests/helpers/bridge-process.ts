import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DeadlineError, withDeadline, WAIT_MS } from './deadline.ts';
import { onLines, REPO_ROOT } from './hub-process.ts';

export const BRIDGE_BIN = fileURLToPath(new URL('../../bin/huduma-bridge.js', import.meta.url));

export interface BridgeProcess {
  child: ChildProcess;
  stderr(): string;
  /** Resolves when a log line with this `msg` appears (or has appeared); fails after `ms`, naming it. */
  logged(msg: string, ms?: number): Promise<Record<string, unknown>>;
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Runs `huduma-bridge start ARGS` as its own process, as a counter host would; `stdin: 'pipe'` to type at it. */
export function spawnBridge(args: string[], options: { stdin?: 'ignore' | 'pipe' } = {}): BridgeProcess {
  const child = spawn(process.execPath, [BRIDGE_BIN, 'start', ...args], { cwd: REPO_ROOT, stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'] });
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
    logged(msg, ms = WAIT_MS) {
      const seen = lines.find((line) => line.msg === msg);
      if (seen) return Promise.resolve(seen);
      const waiter = { msg, resolve: (_line: Record<string, unknown>) => {} };
      const logged = new Promise<Record<string, unknown>>((resolve, reject) => {
        waiter.resolve = resolve;
        waiters.push(waiter);
        void exited.then((code) => reject(new Error(`bridge exited (${code}) before logging "${msg}":\n${stderr}`)));
      });
      return withDeadline(logged, ms, `the bridge to log "${msg}"`).catch((error: unknown) => {
        if (waiters.includes(waiter)) waiters.splice(waiters.indexOf(waiter), 1);
        // What the bridge did say tells where it stood.
        if (error instanceof DeadlineError) error.message += `; its last log lines:\n${stderr.trim().split('\n').slice(-8).join('\n')}`;
        throw error;
      });
    },
    exited,
    kill(signal = 'SIGTERM') {
      child.kill(signal);
      return withDeadline(exited, WAIT_MS, `the bridge (pid ${child.pid}) to exit after ${signal}`);
    },
  };
}
