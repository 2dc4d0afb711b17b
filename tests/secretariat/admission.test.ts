import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Admission } from '../../secretariat/http/admission.ts';
import { batchBody, feedbackEvent, getJson, signedEvent, startSecretariat, type Answer, type RunningSecretariat } from './sync-fixture.ts';

describe('admission control (real HTTP, real SQLite)', () => {
  let sec: RunningSecretariat;
  beforeEach(async () => {
    sec = await startSecretariat({ maxConcurrentBatches: 1 });
  });
  afterEach(async () => {
    await sec.stop();
  });

  it('refuses beyond the limit with Retry-After, is never overrun, and every batch lands by retrying', async () => {
    const centres = ['c1', 'c2', 'c3', 'c4'];
    const secrets = new Map(await Promise.all(centres.map(async (id) => [id, await sec.addCentre(id)] as const)));
    const BATCHES = 5;
    const PER_BATCH = 20;
    const retryAfters: number[] = [];

    // Every batch is resent (fresh nonce) until it is accepted, as a hub would after
    // its Retry-After; the test does not wait out the delay, it only checks its range.
    const deliver = async (centreId: string, index: number): Promise<Answer> => {
      const events = Array.from({ length: PER_BATCH }, (_, i) => signedEvent(feedbackEvent(index * PER_BATCH + i + 1)));
      for (;;) {
        const answer = await sec.send(centreId, secrets.get(centreId)!, batchBody(centreId, events, sec.epoch));
        if (answer.status !== 429) return answer;
        expect(answer.json.error.code).toBe('rate_limited');
        retryAfters.push(Number(answer.headers.get('retry-after')));
      }
    };
    // All at once: batches of one centre may arrive out of order, which the store must absorb.
    const answers = await Promise.all(centres.flatMap((id) => Array.from({ length: BATCHES }, (_, i) => deliver(id, i))));

    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(retryAfters.length).toBeGreaterThan(0);
    for (const seconds of retryAfters) {
      expect(Number.isInteger(seconds)).toBe(true);
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(30);
    }
    const health = (await getJson(sec.baseUrl, '/health')).json;
    expect(health.inFlightMax).toBe(1);
    expect(health.rateLimitedTotal).toBe(retryAfters.length);
    for (const id of centres) {
      expect(await sec.centre(id)).toMatchObject({ ackedThroughSeq: BATCHES * PER_BATCH, highestSeq: BATCHES * PER_BATCH, eventsTotal: BATCHES * PER_BATCH, duplicatesIgnored: 0 });
    }
    const metrics = await (await fetch(`${sec.baseUrl}/metrics`)).text();
    expect(metrics).toContain(`secretariat_sync_requests_total{route="batches",outcome="rate_limited"} ${retryAfters.length}`);
    expect(metrics).toContain('secretariat_batches_in_flight_max 1');
    expect(metrics).toContain('secretariat_batches_in_flight 0');
  });
});

describe('Admission (unit)', () => {
  it('grows Retry-After with recent refusals, within 1..30, and forgets old refusals', () => {
    let now = 0;
    const admission = new Admission({ maxConcurrent: 2, clock: { now: () => now }, random: () => 0 });
    const first = admission.tryEnter();
    const second = admission.tryEnter();
    expect(first.admitted && second.admitted).toBe(true);
    const waits: number[] = [];
    for (let i = 0; i < 2000; i += 1) {
      const ticket = admission.tryEnter();
      if (ticket.admitted) throw new Error('admitted beyond the limit');
      waits.push(ticket.retryAfterS);
    }
    expect(waits[0]).toBe(1);
    expect(waits.at(-1)!).toBeGreaterThan(waits[0]!);
    expect(Math.max(...waits)).toBeLessThanOrEqual(30);
    expect(waits).toEqual([...waits].sort((a, b) => a - b));
    expect(admission.rateLimitedTotal).toBe(2000);

    // With jitter at its maximum the cap still holds.
    const jittery = new Admission({ maxConcurrent: 1, clock: { now: () => now }, random: () => 0.999 });
    jittery.tryEnter();
    for (let i = 0; i < 5000; i += 1) {
      const ticket = jittery.tryEnter();
      expect(ticket.admitted ? 0 : ticket.retryAfterS).toBeLessThanOrEqual(30);
    }

    // Refusals older than the window no longer count.
    now += 60_000;
    const later = admission.tryEnter();
    expect(later).toEqual({ admitted: false, retryAfterS: 1 });

    // Releasing (once, however often it is called) admits again; the max stays the max.
    if (first.admitted) {
      first.release();
      first.release();
    }
    expect(admission.inFlight).toBe(1);
    expect(admission.tryEnter().admitted).toBe(true);
    expect(admission.tryEnter().admitted).toBe(false);
    expect(admission.inFlightMax).toBe(2);
  });
});
