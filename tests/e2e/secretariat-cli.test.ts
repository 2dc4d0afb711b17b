import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SYNC_PATHS } from '../../protocol/sync/index.ts';
import { onLines, waitUntil } from '../helpers/hub-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { batchBody, feedbackEvent, gzipJson, post, signedEvent, syncHeaders } from '../secretariat/sync-fixture.ts';

const BIN = fileURLToPath(new URL('../../bin/huduma-secretariat.js', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SECRET = /^[A-Za-z0-9_-]{43}$/;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], command = process.execPath, prefix = [BIN]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(command, [...prefix, ...args], { cwd: REPO_ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

interface Receiver {
  child: ChildProcess;
  httpPort: number;
  stderr(): string;
  exited: Promise<number | string>;
}

/** Starts `huduma-secretariat start ARGS`; resolves on its "secretariat ready" line. */
function spawnReceiver(args: string[]): Promise<Receiver> {
  const child = spawn(process.execPath, [BIN, 'start', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    onLines(child.stderr!, (line) => {
      if (!line.includes('"secretariat ready"')) return;
      const ready = JSON.parse(line) as { httpPort: number };
      resolve({ child, httpPort: ready.httpPort, stderr: () => stderr, exited });
    });
    void exited.then((code) => reject(new Error(`secretariat exited (${code}) before it was ready:\n${stderr}\n${stdout}`)));
  });
}

describe('huduma-secretariat CLI (its own processes)', () => {
  let dir: ReturnType<typeof tempDir>;
  let receiver: Receiver | null = null;
  beforeEach(() => {
    dir = tempDir('huduma-secretariat-e2e-');
  });
  afterEach(async () => {
    if (receiver) {
      receiver.child.kill('SIGKILL');
      await receiver.exited;
      receiver = null;
    }
    dir.remove();
  });

  it('registers a centre while the receiver runs; its batches are accepted; SIGTERM stops it cleanly', async () => {
    receiver = await spawnReceiver(['--data-dir', dir.path, '--http-port', '0']);
    const base = `http://127.0.0.1:${receiver.httpPort}`;

    const added = await runCli(['centre', 'add', 'c1', '--data-dir', dir.path]);
    expect(added.code).toBe(0);
    expect(added.stdout.endsWith('\n')).toBe(true);
    expect(added.stdout.trim().split('\n')).toHaveLength(1);
    const issued = JSON.parse(added.stdout) as { centreId: string; secret: string };
    expect(Object.keys(issued).sort()).toEqual(['centreId', 'secret']);
    expect(issued.centreId).toBe('c1');
    expect(issued.secret).toMatch(SECRET);

    // The running receiver reads secrets per request: the new centre is usable at once.
    const epoch = randomUUID();
    const accepted = await waitUntil(
      async () => {
        const body = gzipJson(batchBody('c1', [signedEvent(feedbackEvent(1)), signedEvent(feedbackEvent(2))], epoch, new Date().toISOString()));
        return post(base, SYNC_PATHS.batches, body, syncHeaders(body, { secret: issued.secret, centreId: 'c1', timestamp: Date.now() }));
      },
      (answer) => answer.status === 200,
      'the receiver to accept the new centre',
      1_000,
    );
    expect(accepted.json).toMatchObject({ ackedThroughSeq: 2, stored: 2 });

    const list = (await (await fetch(`${base}/api/centres`)).json()) as { centres: Array<{ centreId: string; eventsTotal: number; ackedThroughSeq: number }> };
    expect(list.centres).toEqual([expect.objectContaining({ centreId: 'c1', eventsTotal: 2, ackedThroughSeq: 2 })]);

    const listed = await runCli(['centre', 'list', '--data-dir', dir.path]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).centres).toEqual([expect.objectContaining({ centreId: 'c1', ackedThroughSeq: 2 })]);
    expect(listed.stdout).not.toContain(issued.secret);

    receiver.child.kill('SIGTERM');
    expect(await receiver.exited).toBe(0);
    expect(receiver.stderr()).toMatch(/"msg":"stopped"/);
    // Nothing secret reached the log.
    expect(receiver.stderr()).not.toContain(issued.secret);
    receiver = null;
  });

  it('refuses a duplicate centre (65) and a bad id, with a message and nothing on stdout', async () => {
    expect((await runCli(['centre', 'add', 'c2', '--data-dir', dir.path])).code).toBe(0);
    const again = await runCli(['centre', 'add', 'c2', '--data-dir', dir.path]);
    expect(again).toMatchObject({ code: 65, stdout: '' });
    expect(again.stderr).toMatch(/centre "c2" is already registered/);

    const badId = await runCli(['centre', 'add', 'Centre 2', '--data-dir', dir.path]);
    expect([64, 65]).toContain(badId.code);
    expect(badId.stdout).toBe('');
    expect(badId.stderr).toMatch(/must match \^\[a-z0-9\]/);

    const badFlag = await runCli(['centre', 'add', 'c3', '--data-dri', dir.path]);
    expect(badFlag.code).toBe(64);
    expect(badFlag.stderr).toMatch(/data-dri/);
    const both = await runCli(['centre', 'add', 'c3', '--data-dir', dir.path, '--database-url', 'postgres://u:hunter2@localhost/db']);
    expect(both.code).toBe(64);
    expect(both.stderr).not.toContain('hunter2');
  });

  it('runs as `npx --no-install huduma-secretariat` (help exits 0, unknown command 64)', async () => {
    const help = await runCli(['--help'], 'npx', ['--no-install', 'huduma-secretariat']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/huduma-secretariat start/);
    expect(help.stdout).toMatch(/centre add CENTRE_ID/);
    const version = await runCli(['version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await runCli(['frobnicate'])).code).toBe(64);
  });

  it('takes a free port when the default is taken, and refuses a taken port that was asked for', async () => {
    // Hold the default port ourselves: another suite (the demo's) may hold it for a while
    // and let go at any moment, which would hand the receiver its default after all.
    const held: Server[] = [];
    const tryHold = () =>
      new Promise<Server | null>((resolve) => {
        const holder = createServer();
        holder.once('error', () => resolve(null));
        holder.listen(8090, '127.0.0.1', () => resolve(holder));
      });
    held.push((await waitUntil(tryHold, (server) => server !== null, 'port 8090 to be free to hold', 60_000))!);
    try {
      receiver = await spawnReceiver(['--data-dir', dir.path, '--host', '127.0.0.1']);
      expect(receiver.httpPort).not.toBe(8090);
      expect(receiver.stderr()).toMatch(/HTTP default port 8090 is taken/);
      const explicit = await runCli(['start', '--data-dir', dir.path, '--host', '127.0.0.1', '--http-port', String(receiver.httpPort)]);
      expect(explicit.code).toBe(75);
      expect(explicit.stderr).toMatch(/HTTP port \d+ on 127\.0\.0\.1 is already in use; choose another with --http-port N/);
    } finally {
      for (const server of held) server.close();
    }
  }, 90_000);

  it('never logs the database password', async () => {
    // Postgres without the secrets key: refused before connecting, naming the flag and the fix.
    const url = 'postgres://noc:s3cr3t-pw@127.0.0.1:1/secretariat';
    const keyless = await runCli(['start', '--http-port', '0', '--database-url', url]);
    expect(keyless.code).toBe(78);
    expect(keyless.stderr).toMatch(/--secrets-key-file PATH/);
    expect(keyless.stderr).toMatch(/huduma-secretariat key create PATH/);
    expect(keyless.stderr).not.toContain('s3cr3t-pw');
    // Nothing listens on port 1: the store cannot open, and the error must not show the password.
    const keyFile = `${dir.path}/secrets.key`;
    expect((await runCli(['key', 'create', keyFile])).code).toBe(0);
    const failed = await runCli(['start', '--data-dir', dir.path, '--http-port', '0', '--database-url', url, '--secrets-key-file', keyFile]);
    expect(failed.code).toBe(69);
    expect(failed.stderr).toMatch(/127\.0\.0\.1:1/);
    expect(failed.stderr).not.toContain('s3cr3t-pw');
  });
});
