import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { ManualClock } from '../../runtime/clock.ts';
import { connectDevice, newBootId, publishPress, uptimeSince } from '../helpers/device-client.ts';
import { withDeadline, WAIT_MS } from '../helpers/deadline.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { outboxEvents, QueueClient, tokensFor } from '../helpers/queue-client.ts';

const COUNTERS = ['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08', 'c09', 'c10'];
type Alert = { id: number; kind: string; state: string; raisedAt: string; counterId?: string; serviceId?: string; ticketId?: string; ticketNumber?: string; officerId?: string; note?: string };
type Alerts = { alerts: Alert[] };

/**
 * `poor_rating` follow-ups (docs/alerts.md) on a real hub: a real mqtt.js device at
 * counter c04 rates the ticket an officer logged in by PIN is serving there; the alert
 * names counter, ticket number, service and officer, is listed for a manager, and is
 * resolved with a note that reaches the outbox and the audit trail.
 */
describe('alerts: poor_rating', () => {
  let fx: HubFixture;
  let clock: ManualClock;
  let api: QueueClient;
  let tokens: ReturnType<typeof tokensFor>;
  let device: MqttClient;
  let press: (rating: number) => Promise<unknown>;
  beforeEach(async () => {
    clock = new ManualClock(Date.parse('2026-12-07T07:00:00Z'));
    fx = await startHub({ clock });
    api = new QueueClient(fx.ports.http);
    tokens = tokensFor(fx, COUNTERS);
    device = await connectDevice(fx.ports.mqtt, fx.addDevice('eifd-c04', 'c04'));
    const boot = newBootId();
    const uptime = uptimeSince(1_000, () => clock.now());
    let seq = 0;
    press = (rating) => publishPress(device, 'demo-centre', 'eifd-c04', { seq: ++seq, boot, rating, upMs: uptime(), sentUpMs: uptime() });
  });
  afterEach(async () => {
    await device.endAsync();
    await fx.stop();
  });

  /** A ticket for birth-cert, called at c04 by officer wanjiru (PIN login); resolves with its number and id. */
  async function serveTicket(): Promise<{ id: string; number: string }> {
    await fx.admin.queue.officers.add('wanjiru', 'Wanjiru K.', '4821');
    const login = await api.call<{ token: string }>('POST', '/api/officer/login', null, { counterId: 'c04', officerId: 'wanjiru', pin: '4821' });
    expect(login.status).toBe(200);
    const ticket = (await api.issue(tokens.kiosk, 'birth-cert')).body.ticket;
    expect((await api.counter(login.body.token, 'c04', 'call-next')).status).toBe(200);
    clock.advance(60_000);
    return ticket;
  }

  const nextAlert = () => withDeadline(fx.hub.bus.next('alert.changed'), WAIT_MS, 'an alert change');

  it('a press rated 1 raises one active alert naming the counter, ticket number, service and officer; a misuse press rated 1 raises none', async () => {
    const ticket = await serveTicket();
    const raised = nextAlert();
    await press(1);
    const [change] = await raised;
    expect(change).toMatchObject({ kind: 'poor_rating', state: 'active' });

    const list = await api.call<Alerts>('GET', '/api/alerts?state=active', tokens.manager);
    expect(list.status).toBe(200);
    expect(list.body.alerts).toHaveLength(1);
    expect(list.body.alerts[0]).toMatchObject({ id: change.alertId, kind: 'poor_rating', state: 'active', raisedAt: '2026-12-07T07:01:00.000Z', counterId: 'c04', serviceId: 'birth-cert', ticketId: ticket.id, ticketNumber: ticket.number, officerId: 'wanjiru' });

    // A counted 4, then a 1 inside the lock-out (misuse: stored, flagged), then a 1 after it.
    clock.advance(10_000);
    await press(4);
    await press(1);
    clock.advance(10_000);
    const second = nextAlert();
    await press(1);
    await second;
    const flags = outboxEvents(fx.dataDir, 'feedback.pressed').map((p) => [p.rating, p.misuse]);
    expect(flags).toEqual([[1, false], [4, false], [1, true], [1, false]]);
    // The writer runs ops in order: had the misuse press raised one, it would be listed before the last.
    const after = await api.call<Alerts>('GET', '/api/alerts', tokens.technician);
    expect(after.body.alerts.map((a) => a.kind)).toEqual(['poor_rating', 'poor_rating']);
    const raisedEvents = outboxEvents(fx.dataDir, 'alert.raised');
    expect(raisedEvents).toHaveLength(2);
    expect(raisedEvents[0]).toMatchObject({ alertId: change.alertId, kind: 'poor_rating', value: 1, threshold: 1, subject: { counterId: 'c04', serviceId: 'birth-cert', ticketId: ticket.id, ticketNumber: ticket.number, officerId: 'wanjiru' } });
  });

  it('a press rated 1 with no ticket at the counter still raises one, naming the counter only', async () => {
    const raised = nextAlert();
    await press(1);
    await raised;
    const list = await api.call<Alerts>('GET', '/api/alerts', tokens.manager);
    expect(list.body.alerts).toEqual([expect.objectContaining({ kind: 'poor_rating', counterId: 'c04' })]);
    expect(list.body.alerts[0]).not.toHaveProperty('ticketNumber');
  });

  it('resolve with a note: 200, no longer active, alert.resolved in the outbox, on the audit trail; again 409, unknown 404, empty note 400', async () => {
    await serveTicket();
    const raised = nextAlert();
    await press(1);
    const [{ alertId }] = await raised;
    clock.advance(5 * 60_000);
    const note = 'Called the citizen back; the certificate is ready Friday.';
    const resolved = await api.call('POST', `/api/alerts/${alertId}/resolve`, tokens.manager, { note });
    expect(resolved).toEqual({ status: 200, body: { id: alertId, state: 'resolved', note } });

    expect((await api.call<Alerts>('GET', '/api/alerts?state=active', tokens.manager)).body.alerts).toEqual([]);
    const all = (await api.call<Alerts>('GET', '/api/alerts?state=all', tokens.manager)).body.alerts;
    expect(all).toEqual([expect.objectContaining({ id: alertId, state: 'resolved', note, endedAt: '2026-12-07T07:06:00.000Z' })]);
    expect(outboxEvents(fx.dataDir, 'alert.resolved')).toEqual([expect.objectContaining({ alertId, kind: 'poor_rating', note, subject: expect.objectContaining({ counterId: 'c04' }) })]);
    const audit = outboxEvents(fx.dataDir, 'audit.recorded').filter((e) => e.action === 'alert.resolved');
    expect(audit).toEqual([expect.objectContaining({ target: String(alertId), details: { note } })]);

    expect((await api.call('POST', `/api/alerts/${alertId}/resolve`, tokens.manager, { note: 'again' })).status).toBe(409);
    expect((await api.call('POST', '/api/alerts/999/resolve', tokens.manager, { note })).status).toBe(404);
    expect((await api.call('POST', '/api/alerts/abc/resolve', tokens.manager, { note })).status).toBe(404);
    expect((await api.call('POST', `/api/alerts/${alertId}/resolve`, tokens.manager, { note: '  ' })).status).toBe(400);
    expect(outboxEvents(fx.dataDir, 'alert.resolved')).toHaveLength(1);
  });

  it('401 without a login, 403 for kiosk and officer tokens, on both endpoints; nothing resolved', async () => {
    const raised = nextAlert();
    await press(1);
    const [{ alertId }] = await raised;
    const endpoints: Array<['GET' | 'POST', string, unknown?]> = [
      ['GET', '/api/alerts'],
      ['POST', `/api/alerts/${alertId}/resolve`, { note: 'x' }],
    ];
    for (const [method, path, body] of endpoints) {
      expect((await api.call(method, path, null, body)).status, `${method} ${path} without a token`).toBe(401);
      expect((await api.call(method, path, tokens.kiosk, body)).status, `${method} ${path} as kiosk`).toBe(403);
      expect((await api.call(method, path, tokens.officer('c04'), body)).status, `${method} ${path} as officer`).toBe(403);
    }
    expect((await api.call<Alerts>('GET', '/api/alerts', tokens.manager)).body.alerts[0]!.state).toBe('active');
  });
});
