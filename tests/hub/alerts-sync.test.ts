import { afterEach, describe, expect, it } from 'vitest';
import type { HubConfig } from '../../hub/config/schema.ts';
import { connectDevice, newBootId, publishPress, uptimeSince } from '../helpers/device-client.ts';
import { withDeadline, WAIT_MS } from '../helpers/deadline.ts';
import { startHub } from '../helpers/hub-fixture.ts';
import { waitUntil } from '../helpers/hub-process.ts';
import { hubOutboxDigest } from '../helpers/outbox-backlog.ts';
import { outboxEvents, QueueClient, tokensFor } from '../helpers/queue-client.ts';
import { startSecretariat } from '../helpers/secretariat-fixture.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Alerts reach the Secretariat like every event (docs/alerts.md): a real hub synced to
 * a real Secretariat receiver; a poor press raises an alert and a manager resolves it;
 * the Secretariat holds every outbox event, the alert ones validated, none set aside.
 */
describe('alerts reach the Secretariat', () => {
  it('alert.raised, alert.resolved and the audit entry are held by the Secretariat, byte for byte', async () => {
    const sec = await startSecretariat();
    cleanups.push(() => sec.stop());
    const secret = await sec.addCentre('demo-centre');
    const configure = (config: HubConfig) => {
      config.secretariat = { ...config.secretariat, url: sec.url, secret, heartbeatIntervalMs: 200, pollMs: 50, lingerMs: 10, requestTimeoutMs: 2000, backoff: { initialMs: 20, maxMs: 200, holdDownMs: 20 } };
    };
    const hub = await startHub({ configure });
    cleanups.push(() => hub.stop());
    const api = new QueueClient(hub.ports.http);
    const tokens = tokensFor(hub, ['c01']);
    const device = await connectDevice(hub.ports.mqtt, hub.addDevice('eifd-01', 'c01'));
    cleanups.push(() => device.endAsync());

    const raised = withDeadline(hub.hub.bus.next('alert.changed'), WAIT_MS, 'the poor-rating alert');
    const uptime = uptimeSince(200_000);
    await publishPress(device, 'demo-centre', 'eifd-01', { seq: 1, boot: newBootId(), rating: 1, upMs: uptime(), sentUpMs: uptime() });
    const [{ alertId }] = await raised;
    expect((await api.call('POST', `/api/alerts/${alertId}/resolve`, tokens.manager, { note: 'spoke to the citizen' })).status).toBe(200);

    await waitUntil(async () => hub.hub.health().sync, (s) => s.backlogEvents === 0 && s.state === 'idle', 'the hub to be caught up');
    expect(outboxEvents(hub.dataDir, 'alert.raised')).toHaveLength(1);
    expect(outboxEvents(hub.dataDir, 'alert.resolved')).toEqual([expect.objectContaining({ alertId, note: 'spoke to the citizen' })]);
    const outbox = hubOutboxDigest(hub.dataDir);
    const held = sec.held('demo-centre');
    expect(held.seqs).toEqual(Array.from({ length: outbox.lastSeq }, (_, i) => i + 1));
    expect(held.digest).toBe(outbox.digest);
    expect(held.quarantined).toEqual([]);
  });
});
