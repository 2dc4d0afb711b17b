import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runHubCli, spawnHub, waitUntil, type HubProcess } from '../helpers/hub-process.ts';
import { startSecretariat, type SecretariatFixture } from '../helpers/secretariat-fixture.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const mode = (path: string) => statSync(path).mode & 0o777;

interface SyncHealth {
  sync: { lastHeartbeatAt: string | null; lastError: { code: string } | null };
}

describe('hub secrets out of argv, logs and world-readable files (issue 12, item 6)', () => {
  let dir: ReturnType<typeof tempDir> | null = null;
  let hub: HubProcess | null = null;
  let sec: SecretariatFixture | null = null;
  afterEach(async () => {
    await hub?.kill();
    hub = null;
    await sec?.stop();
    sec = null;
    dir?.remove();
  });

  async function syncsWith(args: string[], env: NodeJS.ProcessEnv, secret: string) {
    hub = await spawnHub(['--data-dir', join(dir!.path, 'hub'), '--mqtt-port', '0', '--http-port', '0', '--secretariat-url', sec!.url, ...args], { env: { ...process.env, ...env } });
    // Signed with the secret it was given: the Secretariat accepts its heartbeat.
    const health = await waitUntil(
      async () => (await (await fetch(`http://127.0.0.1:${hub!.httpPort}/health`)).json()) as SyncHealth,
      (h) => h.sync.lastHeartbeatAt !== null,
      'a heartbeat the Secretariat accepted',
    );
    expect(health.sync.lastError).toBeNull();
    // Nowhere a process listing or the log would show it.
    expect(readFileSync(`/proc/${hub.child.pid}/cmdline`, 'utf8')).not.toContain(secret);
    expect(readFileSync(`/proc/${hub.child.pid}/environ`, 'utf8').includes(secret)).toBe(env.HUDUMA_SECRETARIAT_SECRET === secret);
    expect(hub.stderr()).not.toContain(secret);
    const stopped = hub;
    hub = null;
    expect(await stopped.kill()).toBe(0);
    return stopped.stderr();
  }

  it('reads the Secretariat secret from a file, the environment or systemd credentials, and keeps its data dir private', async () => {
    dir = tempDir();
    sec = await startSecretariat();
    const secret = await sec.addCentre('demo-centre');

    const file = join(dir.path, 'secretariat-secret');
    writeFileSync(file, `${secret}\n`, { mode: 0o644 });
    const fromFile = await syncsWith(['--secretariat-secret-file', file], {}, secret);
    expect(fromFile).toContain(`"secretariatSecretFrom":"--secretariat-secret-file ${file}"`);
    expect(fromFile).toContain(`chmod 600 ${file}`);

    expect(await syncsWith([], { HUDUMA_SECRETARIAT_SECRET: secret }, secret)).toContain('"secretariatSecretFrom":"HUDUMA_SECRETARIAT_SECRET"');

    const credentials = join(dir.path, 'credentials');
    mkdirSync(credentials, { mode: 0o700 });
    writeFileSync(join(credentials, 'secretariat-secret'), secret, { mode: 0o400 });
    const fromCredentials = await syncsWith([], { CREDENTIALS_DIRECTORY: credentials }, secret);
    expect(fromCredentials).toContain('"secretariatSecretFrom":"systemd credential secretariat-secret"');
    expect(fromCredentials).not.toContain('chmod 600');

    // The data dir and everything in it: for the hub's user only.
    const dataDir = join(dir.path, 'hub');
    expect(mode(dataDir)).toBe(0o700);
    const files = readdirSync(dataDir);
    expect(files).toEqual(expect.arrayContaining(['hub.db', 'hub.lock']));
    for (const name of files) expect([name, mode(join(dataDir, name))]).toEqual([name, 0o600]);
  });

  it('says which file it could not read, and starts nothing', async () => {
    dir = tempDir();
    const result = await runHubCli(['start', '--data-dir', dir.path, '--secretariat-url', 'http://127.0.0.1:9', '--secretariat-secret-file', join(dir.path, 'missing')]);
    expect(result.code).toBe(66);
    expect(result.stderr).toMatch(/the Secretariat secret file .*missing \(--secretariat-secret-file .*\) does not exist; write the Secretariat secret into it/);
  });

  it('tightens a data dir an older version left open', async () => {
    dir = tempDir();
    const dataDir = join(dir.path, 'old');
    mkdirSync(dataDir, { mode: 0o755 });
    expect((await runHubCli(['token', 'create', '--role', 'technician', '--data-dir', dataDir])).code).toBe(0);
    chmodSync(dataDir, 0o755);
    for (const name of readdirSync(dataDir)) chmodSync(join(dataDir, name), 0o644);
    expect((await runHubCli(['device', 'list', '--data-dir', dataDir])).code).toBe(0);
    expect(mode(dataDir)).toBe(0o700);
    for (const name of readdirSync(dataDir)) expect([name, mode(join(dataDir, name))]).toEqual([name, 0o600]);
  });
});
