import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { START_MS, withDeadline, WAIT_MS } from './deadline.ts';

export const HUB_BIN = fileURLToPath(new URL('../../bin/huduma-hub.js', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The node flags a bin's `#!/usr/bin/env -S node FLAGS` line gives it when run as a
 * command (npx, systemd): a process started as `node BIN` gets them only from here.
 */
export function shebangFlags(bin: string): string[] {
  const first = readFileSync(bin, 'utf8').split('\n', 1)[0]!;
  const match = /^#!\/usr\/bin\/env -S node(?<flags>(?: --\S+)*)$/.exec(first);
  return match?.groups!.flags!.trim().split(' ').filter(Boolean) ?? [];
}
const HUB_NODE_FLAGS = shebangFlags(HUB_BIN);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `huduma-hub ARGS` as its own process, as an operator would. */
export function runHubCli(args: string[], options: { cwd?: string } = {}): Promise<CliResult> {
  const run = new Promise<CliResult>((resolve) => {
    execFile(process.execPath, [...HUB_NODE_FLAGS, HUB_BIN, ...args], { cwd: options.cwd ?? REPO_ROOT }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
  return withDeadline(run, WAIT_MS, `\`huduma-hub ${args.join(' ')}\` to exit`);
}

export interface HubProcess {
  child: ChildProcess;
  mqttPort: number;
  httpPort: number;
  /** With --tls. */
  mqttsPort?: number;
  httpsPort?: number;
  stderr(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Starts `huduma-hub start ARGS` and resolves once it logs "hub ready" with its ports. */
export function spawnHub(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<HubProcess> {
  const child = spawn(process.execPath, [...HUB_NODE_FLAGS, HUB_BIN, 'start', ...args], { cwd: options.cwd ?? REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  let stderr = '';
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const ready = new Promise<HubProcess>((resolve, reject) => {
    onLines(child.stderr!, (line) => {
      if (!line.includes('"hub ready"')) return;
      const ready = JSON.parse(line) as { mqttPort: number; httpPort: number; mqttsPort?: number; httpsPort?: number };
      resolve({
        child,
        mqttPort: ready.mqttPort,
        httpPort: ready.httpPort,
        ...(ready.mqttsPort !== undefined && { mqttsPort: ready.mqttsPort, httpsPort: ready.httpsPort! }),
        stderr: () => stderr,
        exited,
        kill(signal = 'SIGTERM') {
          child.kill(signal);
          return withDeadline(exited, WAIT_MS, `the hub (pid ${child.pid}) to exit after ${signal}`);
        },
      });
    });
    void exited.then((code) => reject(new Error(`hub exited (${code}) before it was ready:\n${stderr}`)));
  });
  return withDeadline(ready, START_MS, `\`huduma-hub start ${args.join(' ')}\` to log "hub ready"`).catch((error: unknown) => {
    // A hub that never became ready must not outlive the test.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw error;
  });
}

/** Calls `fn` with each complete line of a child's output stream. */
export function onLines(stream: NodeJS.ReadableStream, fn: (line: string) => void): void {
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      fn(line);
    }
  });
}

/** A port that was free a moment ago (for a process that must come back on the same port). */
export function freePort(): Promise<number> {
  const port = new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  return withDeadline(port, WAIT_MS, 'a free TCP port');
}

/** Polls `read` until `accept` holds (for state owned by another process). */
export async function waitUntil<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await withDeadline(read(), timeoutMs, `a reading of ${what}`);
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
