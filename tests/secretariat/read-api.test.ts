import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchBody, deviceOnlineEvent, feedbackEvent, getJson, signedEvent, startSecretariat, type RunningSecretariat } from './sync-fixture.ts';

const A = 'centre-a';
const B = 'centre-b';

describe('Secretariat read side: centre API, NOC page, /health, /metrics', () => {
  let sec: RunningSecretariat;
  let secretA: string;
  beforeEach(async () => {
    sec = await startSecretariat();
    secretA = await sec.addCentre(A);
    await sec.addCentre(B);
  });
  afterEach(async () => {
    await sec.stop();
  });

  const threeEvents = () => [signedEvent(feedbackEvent(1, { rating: 4 })), signedEvent(deviceOnlineEvent(2)), signedEvent(feedbackEvent(3, { rating: 2 }))];

  it('serves the centre API, the NOC page, /health and /metrics', async () => {
    await sec.send(A, secretA, batchBody(A, threeEvents(), sec.epoch));
    await sec.send(A, secretA, batchBody(B, threeEvents(), sec.epoch));

    const unknown = await getJson(sec.baseUrl, '/api/centres/nowhere');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('centre_unknown');

    const noc = await fetch(`${sec.baseUrl}/noc`);
    expect(noc.status).toBe(200);
    expect(noc.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await noc.text();
    expect(html).toContain("fetch('/api/centres'");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
    const root = await fetch(`${sec.baseUrl}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/noc');

    const health = await getJson(sec.baseUrl, '/health');
    expect(health.json).toMatchObject({ status: 'ok', pid: 4242, httpPort: sec.port, store: 'sqlite', centres: 2, inFlightMax: 1, rateLimitedTotal: 0 });

    const metrics = await (await fetch(`${sec.baseUrl}/metrics`)).text();
    expect(metrics).toContain('secretariat_sync_requests_total{route="batches",outcome="ok"} 1');
    expect(metrics).toContain('secretariat_sync_requests_total{route="batches",outcome="centre_mismatch"} 1');
    expect(metrics).toContain('secretariat_events_stored_total 3');
    expect(metrics).toContain('secretariat_batch_apply_seconds_count 1');
    expect(metrics).toContain('secretariat_batches_in_flight_max 1');
    expect(metrics).toContain(`secretariat_centre_acked_through_seq{centre="${A}"} 3`);
    expect(metrics).toContain(`secretariat_centre_acked_through_seq{centre="${B}"} 0`);
  });
});
