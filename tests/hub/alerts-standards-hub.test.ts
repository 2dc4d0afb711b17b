import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../runtime/clock.ts';
import { withDeadline, WAIT_MS } from '../helpers/deadline.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { outboxEvents, QueueClient, tokensFor } from '../helpers/queue-client.ts';

const COUNTERS = ['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08', 'c09', 'c10'];
let fx: HubFixture | null = null;
afterEach(async () => {
  await fx?.stop();
  fx = null;
});

/**
 * The standards on a real hub (docs/alerts.md): the kiosk's tickets through HTTP, the
 * centre's config with a small passport queue limit, an injected clock for the waits.
 * Both alerts reach the outbox (so the Secretariat) and clear as the queue empties.
 */
describe('standards through the real hub', () => {
  it('queue_too_long on the third passport ticket, wait_over_target on the clock tick, each cleared when calls bring it back past its margin', async () => {
    const clock = new ManualClock(Date.parse('2026-12-07T07:00:00Z'));
    fx = await startHub({ clock, configure: (c) => void (c.standards = { ...c.standards, queueHysteresis: 1, targetWaitMin: 10, waitClearMarginMin: 2, services: { passport: { maxQueueLength: 2 } } }) });
    const api = new QueueClient(fx.ports.http);
    const tokens = tokensFor(fx, COUNTERS);
    const next = () => withDeadline(fx!.hub.bus.next('alert.changed'), WAIT_MS, 'an alert change');

    await api.issue(tokens.kiosk, 'passport');
    await api.issue(tokens.kiosk, 'passport');
    const raised = next();
    await api.issue(tokens.kiosk, 'passport');
    expect((await raised)[0]).toMatchObject({ kind: 'queue_too_long', state: 'active' });

    // Nothing happens for 11 minutes: the minute tick finds the oldest ticket over target.
    const waited = next();
    clock.advance(11 * 60_000);
    expect((await waited)[0]).toMatchObject({ kind: 'wait_over_target', state: 'active' });
    const active = await api.call<{ alerts: Array<{ kind: string; serviceId: string; state: string }> }>('GET', '/api/alerts', tokens.manager);
    expect(active.body.alerts.map((a) => [a.kind, a.serviceId]).sort()).toEqual([['queue_too_long', 'passport'], ['wait_over_target', 'passport']]);

    // Passport is served at c08 (sample centre); each call-next finishes the one before.
    await api.counter(tokens.officer('c08'), 'c08', 'call-next'); // 2 waiting: above max−hysteresis (1), still active
    const queueCleared = next();
    await api.counter(tokens.officer('c08'), 'c08', 'call-next'); // 1 waiting
    expect((await queueCleared)[0]).toMatchObject({ state: 'cleared' });
    expect((await api.call<{ alerts: Array<{ kind: string }> }>('GET', '/api/alerts', tokens.manager)).body.alerts.map((a) => a.kind)).toEqual(['wait_over_target']);
    // The last one has waited 11 min (above target−margin, 8): only its call clears the wait alert.
    const waitCleared = next();
    await api.counter(tokens.officer('c08'), 'c08', 'call-next');
    expect((await waitCleared)[0]).toMatchObject({ state: 'cleared' });
    expect((await api.call<{ alerts: unknown[] }>('GET', '/api/alerts?state=active', tokens.manager)).body.alerts).toEqual([]);
    expect(outboxEvents(fx.dataDir, 'alert.raised').map((e) => [e.kind, e.value, e.threshold])).toEqual([['queue_too_long', 3, 2], ['wait_over_target', 11, 10]]);
    expect(outboxEvents(fx.dataDir, 'alert.cleared').map((e) => [e.kind, (e.subject as { serviceId: string }).serviceId]).sort()).toEqual([['queue_too_long', 'passport'], ['wait_over_target', 'passport']]);
  });
});
