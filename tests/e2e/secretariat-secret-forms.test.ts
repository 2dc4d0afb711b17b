import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSecretariatCli, spawnSecretariat } from '../helpers/secretariat-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const ADMIN_URL = process.env.HUDUMA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TOKEN = `noc-${randomBytes(12).toString('hex')}`;

/** The environment without any secret form the machine running the tests may carry. */
function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['HUDUMA_NOC_TOKEN', 'HUDUMA_DATABASE_URL', 'HUDUMA_SECRETARIAT_KEY_FILE', 'CREDENTIALS_DIRECTORY']) delete env[name];
  return { ...env, ...extra };
}

async function status(url: string, token?: string): Promise<number> {
  return (await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {})).status;
}

/**
 * Secrets out of `ps` (issue 12, item 3), on real `huduma-secretariat` processes: the
 * NOC token and the database URL each from their flag, a file, the environment or a
 * systemd credential (that order), named in the log by the form they came in and never
 * by their value; a secret file open to others draws a warning with the chmod fix.
 */
describe('Secretariat secrets from flag, file, environment or systemd credential', () => {
  const dir = tempDir('huduma-secretariat-forms-');
  afterAll(() => dir.remove());

  it('takes the NOC token in each form, in order, guards /api/centres and /metrics with it, and never logs it', async () => {
    const tokenFile = join(dir.path, 'noc-token');
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    const credentials = join(dir.path, 'credentials');
    mkdirSync(credentials, { mode: 0o700 });
    writeFileSync(join(credentials, 'noc-token'), TOKEN, { mode: 0o400 });
    const forms = [
      { args: ['--noc-token', TOKEN], env: {}, source: '--noc-token' },
      { args: ['--noc-token-file', tokenFile], env: {}, source: `--noc-token-file ${tokenFile}` },
      { args: [], env: { HUDUMA_NOC_TOKEN: TOKEN }, source: 'HUDUMA_NOC_TOKEN' },
      { args: [], env: { CREDENTIALS_DIRECTORY: credentials }, source: 'systemd credential noc-token' },
    ];
    for (const form of forms) {
      const sec = await spawnSecretariat(['--data-dir', join(dir.path, 'data'), '--http-port', '0', ...form.args], { env: cleanEnv(form.env) });
      try {
        expect(sec.ready).toMatchObject({ nocTokenRequired: true, secretSources: { nocTokenFrom: form.source } });
        for (const path of ['/api/centres', '/metrics']) {
          expect(await status(`${sec.url}${path}`)).toBe(401);
          expect(await status(`${sec.url}${path}`, 'not-the-token')).toBe(401);
          expect(await status(`${sec.url}${path}`, TOKEN)).toBe(200);
        }
        expect(await status(`${sec.url}/health`)).toBe(200);
      } finally {
        expect(await sec.stop()).toBe(0);
      }
      expect(sec.stderr()).not.toContain(TOKEN);
      expect(sec.stderr()).not.toMatch(/chmod 600/);
    }

    // Order: the file beats the environment, which beats the credential.
    const other = 'other-token-in-the-environment';
    const layered = await spawnSecretariat(['--data-dir', join(dir.path, 'data'), '--http-port', '0', '--noc-token-file', tokenFile], { env: cleanEnv({ HUDUMA_NOC_TOKEN: other, CREDENTIALS_DIRECTORY: credentials }) });
    try {
      expect(await status(`${layered.url}/api/centres`, TOKEN)).toBe(200);
      expect(await status(`${layered.url}/api/centres`, other)).toBe(401);
    } finally {
      await layered.stop();
    }
    const envOverCredential = await spawnSecretariat(['--data-dir', join(dir.path, 'data'), '--http-port', '0'], { env: cleanEnv({ HUDUMA_NOC_TOKEN: other, CREDENTIALS_DIRECTORY: credentials }) });
    try {
      expect(await status(`${envOverCredential.url}/api/centres`, other)).toBe(200);
      expect(await status(`${envOverCredential.url}/api/centres`, TOKEN)).toBe(401);
    } finally {
      await envOverCredential.stop();
    }

    // A file others can read: a warning naming the fix, never the token.
    chmodSync(tokenFile, 0o644);
    const open = await spawnSecretariat(['--data-dir', join(dir.path, 'data'), '--http-port', '0', '--noc-token-file', tokenFile], { env: cleanEnv() });
    await open.stop();
    expect(open.stderr()).toContain(`the NOC token file ${tokenFile} can be read by other users (mode 0644); run: chmod 600 ${tokenFile}`);
    expect(open.stderr()).not.toContain(TOKEN);

    // Both the flag and its file: a usage error, not a guess.
    const both = await runSecretariatCli(['start', '--http-port', '0', '--noc-token', TOKEN, '--noc-token-file', tokenFile], { env: cleanEnv() });
    expect(both.code).toBe(64);
    expect(both.stderr).toMatch(/give --noc-token or --noc-token-file, not both/);
  }, 60_000);

  describe('on PostgreSQL', () => {
    const database = `huduma_forms_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
    beforeAll(async () => {
      await admin.connect().catch((error: Error) => {
        throw new Error(`PostgreSQL is not reachable (${error.message}); start it or set HUDUMA_TEST_DATABASE_URL`);
      });
      await admin.query(`CREATE DATABASE ${database}`);
    });
    afterAll(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    });

    it('takes the database URL from a file, the environment or a credential, the key as a credential, and never logs the password', async () => {
      // A password in the URL (the server trusts local connections, so any works): it must never reach a log.
      const password = `pw-${randomBytes(8).toString('hex')}`;
      const url = new URL(ADMIN_URL);
      url.password = password;
      url.pathname = `/${database}`;
      const urlFile = join(dir.path, 'database-url');
      writeFileSync(urlFile, `${url}\n`, { mode: 0o600 });
      const credentials = join(dir.path, 'pg-credentials');
      mkdirSync(credentials, { mode: 0o700 });
      writeFileSync(join(credentials, 'database-url'), url.toString(), { mode: 0o400 });
      const keyFile = join(credentials, 'secrets-key');
      expect((await runSecretariatCli(['key', 'create', keyFile], { env: cleanEnv() })).code).toBe(0);

      // Registered with the URL and the key from the environment.
      const added = await runSecretariatCli(['centre', 'add', 'c1'], { env: cleanEnv({ HUDUMA_DATABASE_URL: url.toString(), HUDUMA_SECRETARIAT_KEY_FILE: keyFile }) });
      expect(added.code, added.stderr).toBe(0);
      expect(added.stderr).not.toContain(password);
      const forms = [
        { args: ['--database-url-file', urlFile, '--secrets-key-file', keyFile], env: {}, source: `--database-url-file ${urlFile}`, key: '--secrets-key-file' },
        { args: [], env: { HUDUMA_DATABASE_URL: url.toString(), HUDUMA_SECRETARIAT_KEY_FILE: keyFile }, source: 'HUDUMA_DATABASE_URL', key: 'HUDUMA_SECRETARIAT_KEY_FILE' },
        { args: [], env: { CREDENTIALS_DIRECTORY: credentials }, source: 'systemd credential database-url', key: 'systemd credential secrets-key' },
      ];
      for (const form of forms) {
        const sec = await spawnSecretariat(['--http-port', '0', ...form.args], { env: cleanEnv(form.env) });
        try {
          expect(sec.ready).toMatchObject({ store: 'postgres', secretSources: { databaseUrlFrom: form.source }, secretsKey: { from: form.key } });
          const centres = (await (await fetch(`${sec.url}/api/centres`)).json()) as { centres: Array<{ centreId: string }> };
          expect(centres.centres.map((c) => c.centreId)).toEqual(['c1']);
        } finally {
          expect(await sec.stop()).toBe(0);
        }
        expect(sec.stderr()).not.toContain(password);
      }
      const listed = await runSecretariatCli(['centre', 'list', '--database-url-file', urlFile, '--secrets-key-file', keyFile], { env: cleanEnv() });
      expect(listed.code, listed.stderr).toBe(0);
      expect(`${listed.stdout}${listed.stderr}`).not.toContain(password);
    }, 60_000);
  });
});
