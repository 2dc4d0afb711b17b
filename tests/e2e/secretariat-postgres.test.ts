import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubConfig } from '../../hub/config/schema.ts';
import { connectDevice, newBootId, publishPress, uptimeSince } from '../helpers/device-client.ts';
import { startHub } from '../helpers/hub-fixture.ts';
import { onLines, waitUntil } from '../helpers/hub-process.ts';
import { digestOf, hubOutboxDigest, writeBacklog } from '../helpers/outbox-backlog.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const BIN = fileURLToPath(new URL('../../bin/huduma-secretariat.js', import.meta.url));
const ADMIN_URL = process.env.HUDUMA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The production shape: `huduma-secretariat start --database-url` on a real
 * PostgreSQL server, `centre add` against the same database while it runs, and a
 * hub syncing a backlog plus live presses to it; the rows in Postgres must be the
 * hub's outbox exactly.
 */
describe('Secretariat on PostgreSQL', () => {
  const database = `huduma_e2e_${randomBytes(6).toString('hex')}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });

  beforeAll(async () => {
    await admin.connect().catch((error: Error) => {
      throw new Error(`PostgreSQL is not reachable (${error.message}); start it (CI installs and starts it) or set HUDUMA_TEST_DATABASE_URL`);
    });
    await admin.query(`CREATE DATABASE ${database}`);
  });
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  });

  it('receives a hub’s backlog and live presses exactly once, with the centre secret sealed in the table', async () => {
    // Postgres is never given a generated key: made once with `key create`, given to every process.
    const keyDir = tempDir();
    const keyFile = join(keyDir.path, 'secrets.key');
    const created = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [BIN, 'key', 'create', keyFile], (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    expect(JSON.parse(created)).toMatchObject({ keyFile, keyId: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const receiver = spawn(process.execPath, [BIN, 'start', '--database-url', url.toString(), '--secrets-key-file', keyFile, '--http-port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    receiver.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
    const port = await new Promise<number>((resolve, reject) => {
      onLines(receiver.stderr!, (line) => line.includes('"secretariat ready"') && resolve((JSON.parse(line) as { httpPort: number }).httpPort));
      receiver.once('exit', (code) => reject(new Error(`secretariat exited (${code}):\n${stderr}`)));
    });
    const dir = tempDir();
    try {
      const added = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, [BIN, 'centre', 'add', 'demo-centre', '--database-url', url.toString()], { env: { ...process.env, HUDUMA_SECRETARIAT_KEY_FILE: keyFile } }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
      );
      const { secret } = JSON.parse(added) as { secret: string };
      // At rest the table holds the secret sealed (docs/security.md): not in any column of any row.
      const raw = new pg.Client({ connectionString: url.toString() });
      await raw.connect();
      const centreRows = (await raw.query<{ row: string }>('SELECT centres::text AS row FROM centres')).rows;
      await raw.end();
      expect(centreRows).toHaveLength(1);
      expect(centreRows[0]!.row).toContain('demo-centre');
      expect(centreRows[0]!.row).toMatch(/hsk1\.[0-9a-f]{16}\./);
      expect(centreRows[0]!.row).not.toContain(secret);
      writeBacklog(dir.path, { count: 5000, spanMs: 3 * 86_400_000, endMs: Date.now() });
      const hub = await startHub({
        dataDir: dir.path,
        configure: (config: HubConfig) => {
          config.secretariat = { ...config.secretariat, url: `http://127.0.0.1:${port}`, secret, batchMaxEvents: 700, pollMs: 50, heartbeatIntervalMs: 500 };
        },
      });
      try {
        const credentials = hub.addDevice('eifd-01');
        const client = await connectDevice(hub.ports.mqtt, credentials);
        const boot = newBootId();
        // Rebooted 20 s ago, after the backlog's last press.
        const uptime = uptimeSince(20_000);
        for (let seq = 1; seq <= 5; seq++) await publishPress(client, 'demo-centre', 'eifd-01', { seq, boot, rating: 4, upMs: seq * 3000, sentUpMs: uptime() });
        await client.endAsync();
        await waitUntil(async () => hub.hub.health().sync, (s) => s.backlogEvents === 0, 'the hub to drain to Postgres', 60_000);
      } finally {
        await hub.stop();
      }
      const outbox = hubOutboxDigest(dir.path);
      const check = new pg.Client({ connectionString: url.toString() });
      await check.connect();
      const rows = (await check.query<{ seq: string; hash: string }>("SELECT seq, hash FROM events WHERE centre_id = 'demo-centre' ORDER BY seq")).rows;
      await check.end();
      expect(rows.length).toBe(outbox.count);
      expect(digestOf(rows.map((r) => [Number(r.seq), r.hash]))).toBe(outbox.digest);
      const centre = (await (await fetch(`http://127.0.0.1:${port}/api/centres/demo-centre`)).json()) as { eventsByType: Record<string, number>; ackedThroughSeq: number };
      expect(centre.eventsByType['feedback.pressed']).toBe(5005);
      expect(centre.ackedThroughSeq).toBe(outbox.lastSeq);
    } finally {
      receiver.kill('SIGTERM');
      await new Promise((resolve) => receiver.once('exit', resolve));
      dir.remove();
      keyDir.remove();
    }
  }, 120_000);
});
