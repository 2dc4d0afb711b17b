import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SYNC_PATHS } from '../../protocol/sync/index.ts';
import { SqliteSecretariatStore } from '../../secretariat/store/sqlite-store.ts';
import { runSecretariatCli, spawnSecretariat, type SecretariatProcess } from '../helpers/secretariat-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { batchBody, feedbackEvent, gzipJson, heartbeatBody, post, signedEvent, syncHeaders } from '../secretariat/sync-fixture.ts';

/**
 * Secrets at rest on a running `huduma-secretariat start` (issue 12, item 6): the data
 * dir 0700 and its files 0600, centre secrets sealed in the database with a key kept
 * beside it (never the secret itself in any file), an older plaintext database sealed
 * and scrubbed at start, and a missing or wrong key refused with the flag and the fix.
 */
describe('Secretariat secrets at rest (its own process, SQLite)', () => {
  let dir: ReturnType<typeof tempDir>;
  let sec: SecretariatProcess | undefined;
  beforeEach(() => {
    dir = tempDir('huduma-secretariat-secrets-');
  });
  afterEach(async () => {
    await sec?.stop();
    sec = undefined;
    dir.remove();
  });

  const dataDir = () => join(dir.path, 'data');
  const addCentre = async (centreId: string, verb = 'add') => {
    const added = await runSecretariatCli(['centre', verb, centreId, '--data-dir', dataDir()]);
    expect(added.code, added.stderr).toBe(0);
    return (JSON.parse(added.stdout) as { secret: string }).secret;
  };
  const send = (centreId: string, secret: string, seq: number) => {
    const body = gzipJson(batchBody(centreId, [signedEvent(feedbackEvent(seq))], randomUUID(), new Date().toISOString()));
    return post(sec!.url, SYNC_PATHS.batches, body, syncHeaders(body, { secret, centreId, timestamp: Date.now() }));
  };
  /** Every entry of the data dir with its permission bits, and whether any file holds `needle`. */
  const inspect = (needle: string) => {
    const modes: Record<string, string> = {};
    let found: string | undefined;
    for (const name of readdirSync(dataDir())) {
      const path = join(dataDir(), name);
      const stat = lstatSync(path);
      modes[name] = (stat.mode & 0o777).toString(8);
      if (stat.isFile() && readFileSync(path).includes(needle)) found = name;
    }
    return { dirMode: (lstatSync(dataDir()).mode & 0o777).toString(8), modes, found };
  };

  it('keeps the data dir 0700 and its files 0600, and no file holds a centre secret', async () => {
    sec = await spawnSecretariat(['--data-dir', dataDir(), '--http-port', '0']);
    expect(sec.stderr()).toMatch(/created the centre secrets key; back it up/);
    // Registered while the receiver runs: the CLI finds the same key beside the database.
    const secret = await addCentre('c1');
    expect((await send('c1', secret, 1)).status).toBe(200);
    const beat = gzipJson(heartbeatBody('c1', randomUUID(), { at: new Date().toISOString() }));
    expect((await post(sec.url, SYNC_PATHS.heartbeat, beat, syncHeaders(beat, { secret, centreId: 'c1', timestamp: Date.now(), path: SYNC_PATHS.heartbeat }))).status).toBe(200);

    const seen = inspect(secret);
    expect(seen.dirMode).toBe('700');
    expect(Object.keys(seen.modes).sort()).toEqual(['secretariat.db', 'secretariat.db-shm', 'secretariat.db-wal', 'secretariat.key']);
    expect(Object.values(seen.modes)).toEqual(Object.keys(seen.modes).map(() => '600'));
    expect(seen.found).toBeUndefined();
    expect(sec.stderr()).not.toContain(secret);
  });

  it('seals the plaintext secrets of an older database at start, fixes its modes, and its hubs keep syncing', async () => {
    // An older version's data dir: 0755/0644, the secret in plaintext, the centre row rewritten many times.
    const old = new SqliteSecretariatStore({ dataDir: dataDir() });
    await old.init();
    const secret = 'plaintext-secret-of-an-older-version-0123456789';
    await old.addCentre('old', secret, Date.now());
    for (const other of ['a', 'b', 'c', 'd']) await old.addCentre(`centre-${other}`, `plaintext-${other}-${randomUUID()}`, Date.now());
    // Heartbeats of changing sizes move the row about its page, leaving old copies in free space.
    for (let i = 1; i <= 20; i++) await old.recordHeartbeat('old', heartbeatBody('old', randomUUID(), { version: 'v'.repeat(1 + ((i * 7) % 60)) }), Date.now());
    await old.close();
    chmodSync(dataDir(), 0o755);
    for (const name of readdirSync(dataDir())) chmodSync(join(dataDir(), name), 0o644);
    expect(inspect(secret).found).toBe('secretariat.db');

    sec = await spawnSecretariat(['--data-dir', dataDir(), '--http-port', '0']);
    expect(sec.stderr()).toMatch(/sealed centre secrets that an older version kept in plaintext/);
    const seen = inspect(secret);
    expect(seen.dirMode).toBe('700');
    expect(Object.values(seen.modes)).toEqual(Object.keys(seen.modes).map(() => '600'));
    expect(seen.found).toBeUndefined();
    expect((await send('old', secret, 1)).status).toBe(200);
  });

  it('refuses a missing or wrong key with the flag and the fix; a lost key is replaced and each centre rotated', async () => {
    sec = await spawnSecretariat(['--data-dir', dataDir(), '--http-port', '0']);
    const secret = await addCentre('c1');
    await addCentre('c2');
    expect((await send('c1', secret, 1)).status).toBe(200);
    await sec.stop();
    sec = undefined;

    // Missing: never silently replaced by a new key (that would turn into bad signatures).
    const keyFile = join(dataDir(), 'secretariat.key');
    renameSync(keyFile, join(dir.path, 'moved.key'));
    const missing = await runSecretariatCli(['start', '--data-dir', dataDir(), '--http-port', '0']);
    expect(missing.code).toBe(78);
    expect(missing.stderr).toContain(`its key file ${keyFile} is missing`);
    expect(missing.stderr).toMatch(/Restore .* from your backup, or name the key with --secrets-key-file PATH/);
    expect(existsSync(keyFile)).toBe(false);

    // Wrong: named, with both key ids.
    expect((await runSecretariatCli(['key', 'create', join(dir.path, 'other.key')])).code).toBe(0);
    const wrong = await runSecretariatCli(['start', '--data-dir', dataDir(), '--http-port', '0', '--secrets-key-file', join(dir.path, 'other.key')]);
    expect(wrong.code).toBe(78);
    expect(wrong.stderr).toMatch(/sealed with key [0-9a-f]{16}, but .*other\.key \(--secrets-key-file\) holds key [0-9a-f]{16}/);
    const addWithWrongKey = await runSecretariatCli(['centre', 'add', 'c3', '--data-dir', dataDir(), '--secrets-key-file', join(dir.path, 'other.key')]);
    expect(addWithWrongKey.code).toBe(78);

    // The backup comes back: everything works again.
    renameSync(join(dir.path, 'moved.key'), keyFile);
    sec = await spawnSecretariat(['--data-dir', dataDir(), '--http-port', '0']);
    expect((await send('c1', secret, 2)).status).toBe(200);
    await sec.stop();
    sec = undefined;

    // Lost for good: replace it, then every centre needs a new secret (re-registration).
    renameSync(keyFile, join(dir.path, 'gone.key'));
    const replaced = await runSecretariatCli(['key', 'replace-lost', '--data-dir', dataDir()]);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(JSON.parse(replaced.stdout)).toMatchObject({ keyFile, centresToRotate: ['c1', 'c2'] });
    sec = await spawnSecretariat(['--data-dir', dataDir(), '--http-port', '0']);
    expect(sec.stderr()).toMatch(/centre c1 cannot sync: its secret was sealed with a key declared lost; give it a new secret with \\"huduma-secretariat centre rotate c1\\"/);
    expect((await send('c1', secret, 3)).json.error.code).toBe('bad_signature');
    const listed = JSON.parse((await runSecretariatCli(['centre', 'list', '--data-dir', dataDir()])).stdout) as { centres: Array<{ centreId: string; secretUsable: boolean }> };
    expect(listed.centres.map((c) => [c.centreId, c.secretUsable])).toEqual([['c1', false], ['c2', false]]);
    const rotated = await addCentre('c1', 'rotate');
    expect(rotated).not.toBe(secret);
    expect((await send('c1', rotated, 3)).json).toMatchObject({ ackedThroughSeq: 3 });
  });
});
