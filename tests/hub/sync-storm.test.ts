import { afterAll, describe, expect, it } from 'vitest';
import type { HubConfig } from '../../hub/config/schema.ts';
import { startFaultProxy } from '../helpers/fault-proxy.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { waitUntil } from '../helpers/hub-process.ts';
import { hubOutboxDigest, writeBacklog } from '../helpers/outbox-backlog.ts';
import { startSecretariat } from '../helpers/secretariat-fixture.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const HUBS = 10;
const BACKLOG = 3000;

/**
 * Ten centres whose WAN comes back at the same moment, each with a backlog, against a
 * Secretariat that admits one batch at a time and answers 429 beyond it
 * (docs/sync-contract.md, "Reconnect storms", "Never give up"). All
 * must drain, none may give up, and the Secretariat must never run more batches
 * than it admits.
 */
describe('reconnect storm against a Secretariat shedding load', () => {
  const dirs = Array.from({ length: HUBS }, () => tempDir());
  const hubs: HubFixture[] = [];
  afterAll(async () => {
    await Promise.all(hubs.map((hub) => hub.stop()));
    dirs.forEach((dir) => dir.remove());
  });

  it('drains all ten hubs through 429s without overrunning the Secretariat', async () => {
    const sec = await startSecretariat({ maxConcurrentBatches: 1 });
    // One proxy for the shared WAN: down while the backlogs build, then up for all at once.
    const wan = await startFaultProxy({ targetPort: sec.port, plan: () => ({ kind: 'refuse' }) });
    try {
      const now = Date.now();
      for (let i = 0; i < HUBS; i++) {
        const centreId = `centre-${String(i + 1).padStart(2, '0')}`;
        writeBacklog(dirs[i]!.path, { count: BACKLOG, spanMs: 86_400_000, endMs: now });
        const secret = await sec.addCentre(centreId);
        hubs.push(
          await startHub({
            dataDir: dirs[i]!.path,
            overrides: { centreId },
            configure: (config: HubConfig) => {
              config.secretariat = {
                ...config.secretariat,
                url: `http://127.0.0.1:${wan.port}`,
                secret,
                batchMaxEvents: 500,
                heartbeatIntervalMs: 1000,
                pollMs: 50,
                requestTimeoutMs: 5000,
                backoff: { initialMs: 50, maxMs: 1000, holdDownMs: 50 },
              };
            },
          }),
        );
      }
      await waitUntil(async () => hubs.map((hub) => hub.hub.health().sync.consecutiveFailures), (f) => f.every((n) => n >= 1), 'every hub to see the WAN down');

      wan.setPlan(() => ({ kind: 'pass' }));
      for (const hub of hubs) hub.admin.sync.kick();
      await waitUntil(async () => hubs.map((hub) => hub.hub.health().sync.backlogEvents), (b) => b.every((n) => n === 0), 'all hubs to drain', 120_000);

      const health = await sec.health();
      expect(health.inFlightMax).toBe(1);
      expect(health.rateLimitedTotal as number).toBeGreaterThan(0);
      const rateLimitedAtHubs = hubs.map((hub) => hub.hub.health().sync.rateLimitedTotal);
      expect(rateLimitedAtHubs.reduce((a, b) => a + b, 0)).toBe(health.rateLimitedTotal);
      for (const [i, hub] of hubs.entries()) {
        const sync = hub.hub.health().sync;
        expect(sync.state).not.toBe('refused');
        expect(sync.consecutiveFailures).toBe(0);
        const outbox = hubOutboxDigest(dirs[i]!.path);
        const held = sec.held(hub.config.centre.id);
        expect(held.seqs.length).toBe(outbox.count);
        expect(held.digest).toBe(outbox.digest);
      }
    } finally {
      await wan.close();
      await Promise.all(hubs.splice(0).map((hub) => hub.stop()));
      await sec.stop();
    }
  }, 180_000);
});
