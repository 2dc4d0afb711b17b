import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLE_CENTRE_PATH } from '../../hub/config/load.ts';
import { startFaultProxy } from '../helpers/fault-proxy.ts';
import { runHubCli, spawnHub } from '../helpers/hub-process.ts';
import { writeBacklog } from '../helpers/outbox-backlog.ts';
import { startSecretariat } from '../helpers/secretariat-fixture.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * `huduma-hub sync status` and `sync drain`, as a technician runs them next to a
 * running hub: status reads the database and the hub's live state; drain makes the
 * hub try at once (cutting short a long backoff) and shows the backlog going down.
 */
describe('huduma-hub sync status | drain', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('reports the backlog, drains it on request with progress, and says when no hub runs', async () => {
    const notRunning = await runHubCli(['sync', 'drain', '--data-dir', dir.path]);
    expect(notRunning.code).toBe(69);
    expect(notRunning.stderr).toMatch(/no hub is running on data dir/);
    expect(notRunning.stdout).toBe('');

    const sec = await startSecretariat();
    const secret = await sec.addCentre('demo-centre');
    const wan = await startFaultProxy({ targetPort: sec.port, plan: () => ({ kind: 'refuse' }) });
    writeBacklog(dir.path, { count: 4000, spanMs: 2 * 86_400_000, endMs: Date.now() });
    const config = JSON.parse(readFileSync(SAMPLE_CENTRE_PATH, 'utf8'));
    // A long backoff: without the drain's kick the hub would wait minutes.
    config.secretariat = { url: `http://127.0.0.1:${wan.port}`, secret, backoff: { initialMs: 600_000, maxMs: 600_000, holdDownMs: 600_000 } };
    const configPath = join(dir.path, 'centre.json');
    writeFileSync(configPath, JSON.stringify(config));
    const hub = await spawnHub(['--config', configPath, '--data-dir', dir.path, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1']);
    try {
      let status = await runHubCli(['sync', 'status', '--data-dir', dir.path]);
      expect(status.code).toBe(0);
      let report = JSON.parse(status.stdout) as { backlogEvents: number; hubRunning: boolean; live: { state: string } | null; oldestUnsyncedAt: string };
      expect(report.backlogEvents).toBeGreaterThanOrEqual(4000);
      expect(report.hubRunning).toBe(true);
      expect(Date.now() - Date.parse(report.oldestUnsyncedAt)).toBeGreaterThan(86_400_000);

      wan.setPlan(() => ({ kind: 'pass' }));
      const drained = await runHubCli(['sync', 'drain', '--data-dir', dir.path, '--timeout', '60']);
      expect(drained.code).toBe(0);
      expect(JSON.parse(drained.stdout)).toMatchObject({ drained: true, backlogEvents: 0 });
      expect(drained.stderr).toMatch(/\] 100% \d+\/\d+ events/);

      status = await runHubCli(['sync', 'status', '--data-dir', dir.path]);
      report = JSON.parse(status.stdout);
      expect(report.backlogEvents).toBe(0);
      expect(report.live?.state).toBe('idle');
      expect((await sec.centre('demo-centre')).eventsTotal).toBeGreaterThanOrEqual(4000);
    } finally {
      await hub.kill('SIGTERM');
      await wan.close();
      await sec.stop();
    }
  }, 120_000);
});
