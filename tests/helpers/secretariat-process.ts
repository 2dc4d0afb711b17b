import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { onLines, REPO_ROOT, type CliResult } from './hub-process.ts';

export const SECRETARIAT_BIN = fileURLToPath(new URL('../../bin/huduma-secretariat.js', import.meta.url));

/** `huduma-secretariat ARGS` to its end (a CLI command, or a start that fails). */
export function runSecretariatCli(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SECRETARIAT_BIN, ...args], { cwd: REPO_ROOT, env: options.env ?? process.env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

export interface SecretariatProcess {
  child: ChildProcess;
  pid: number;
  httpPort: number;
  url: string;
  /** The "secretariat ready" log line. */
  ready: Record<string, unknown>;
  stderr(): string;
  exited: Promise<number | string>;
  /** Resident memory of the process now, from /proc (Linux), in bytes. */
  rssBytes(): number;
  /** Open file descriptors of the process now (sockets included). */
  openFds(): number;
  /** SIGTERM and wait for the exit; returns the exit code. */
  stop(): Promise<number | string>;
}

/** `huduma-secretariat start ARGS` as its own process; resolves on its "secretariat ready" line. */
export function spawnSecretariat(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<SecretariatProcess> {
  const child = spawn(process.execPath, [SECRETARIAT_BIN, 'start', '--host', '127.0.0.1', ...args], { cwd: REPO_ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout!.resume();
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    onLines(child.stderr!, (line) => {
      if (!line.includes('"secretariat ready"')) return;
      const ready = JSON.parse(line) as Record<string, unknown> & { httpPort: number };
      const pid = child.pid!;
      resolve({
        child,
        pid,
        httpPort: ready.httpPort,
        url: `http://127.0.0.1:${ready.httpPort}`,
        ready,
        stderr: () => stderr,
        exited,
        rssBytes: () => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024,
        openFds: () => readdirSync(`/proc/${pid}/fd`).length,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    });
    void exited.then((code) => reject(new Error(`secretariat exited (${code}) before it was ready:\n${stderr}`)));
  });
}
