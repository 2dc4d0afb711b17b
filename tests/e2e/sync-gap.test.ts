import BetterSqlite3 from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLE_CENTRE_PATH } from '../../hub/config/load.ts';
import { hubDatabasePath } from '../../hub/store/database.ts';
import { spawnHub, waitUntil } from '../helpers/hub-process.ts';
import { writeBacklog } from '../helpers/outbox-backlog.ts';
import { startSecretariat } from '../helpers/secretariat-fixture.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * The outbox's sequence is ahead of the Secretariat's acknowledgment but no event after
 * it is left in the outbox (seqs skipped by a rebase that the Secretariat never got).
 * The sync loop once spun on that without yielding, starving every timer and HTTP
 * request of the hub. Now it asks with a heartbeat, reports `secretariat_gap`, backs
 * off, and the hub keeps answering. Run as a process so a spin fails the test by
 * timeout instead of hanging the test runner.
 */
describe('sync: sequence ahead of every event left in the outbox', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('reports the gap and keeps the hub responsive', async () => {
    const sec = await startSecretariat();
    const secret = await sec.addCentre('demo-centre');
    writeBacklog(dir.path, { count: 5, spanMs: 60_000, endMs: Date.now() });
    // Seqs 6–10 were taken and are gone: neither here nor at the Secretariat.
    const db = new BetterSqlite3(hubDatabasePath(dir.path));
    db.prepare("UPDATE sqlite_sequence SET seq = 10 WHERE name = 'outbox'").run();
    db.close();
    const config = JSON.parse(readFileSync(SAMPLE_CENTRE_PATH, 'utf8'));
    config.secretariat = { url: sec.url, secret, backoff: { initialMs: 50, maxMs: 200, holdDownMs: 50 } };
    const configPath = join(dir.path, 'centre.json');
    writeFileSync(configPath, JSON.stringify(config));
    const hub = await spawnHub(['--config', configPath, '--data-dir', dir.path, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1']);
    try {
      type Health = { sync: { ackedThroughSeq: number; backlogEvents: number; lastError: { code: string; message: string } | null; state: string } };
      const health = await waitUntil(
        () => fetch(`http://127.0.0.1:${hub.httpPort}/health`, { signal: AbortSignal.timeout(2000) }).then((r) => r.json() as Promise<Health>),
        // Between attempts: while it asks again the state is 'sending' and the error stays.
        (h) => h.sync.lastError?.code === 'secretariat_gap' && h.sync.state === 'refused',
        'the hub to report the gap',
      );
      expect(health.sync).toMatchObject({ ackedThroughSeq: 5, backlogEvents: 5, state: 'refused' });
      expect(health.sync.lastError!.message).toContain('seqs 6–10');
      expect((await sec.centre('demo-centre')).ackedThroughSeq).toBe(5);
      // Still answering while it waits, and still sending heartbeats.
      const again = await waitUntil(
        () => sec.centre('demo-centre'),
        (c) => c.lastHeartbeatAt !== null,
        'a heartbeat',
      );
      expect(again.lastHeartbeatAt).not.toBeNull();
    } finally {
      await hub.kill('SIGTERM');
      await sec.stop();
    }
  });
});
