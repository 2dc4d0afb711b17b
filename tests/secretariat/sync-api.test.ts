import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIGNATURE_WINDOW_MS, SYNC_MAX_COMPRESSED_BYTES, SYNC_MAX_INFLATED_BYTES, SYNC_PATHS } from '../../protocol/sync/index.ts';
import {
  batchBody,
  deviceOnlineEvent,
  feedbackEvent,
  getJson,
  gzipJson,
  heartbeatBody,
  post,
  signedEvent,
  startSecretariat,
  syncHeaders,
  T0,
  type RunningSecretariat,
} from './sync-fixture.ts';

const A = 'centre-a';
const B = 'centre-b';

describe('Secretariat sync API (real HTTP, real SQLite)', () => {
  let sec: RunningSecretariat;
  let secretA: string;
  let secretB: string;
  beforeEach(async () => {
    sec = await startSecretariat();
    secretA = await sec.addCentre(A);
    secretB = await sec.addCentre(B);
  });
  afterEach(async () => {
    await sec.stop();
  });

  const threeEvents = () => [signedEvent(feedbackEvent(1, { rating: 4 })), signedEvent(deviceOnlineEvent(2)), signedEvent(feedbackEvent(3, { rating: 2 }))];
  /** The fields every refusal must leave unchanged. */
  const held = async (centreId = A) => {
    const c = await sec.centre(centreId);
    return { eventsTotal: c.eventsTotal, ackedThroughSeq: c.ackedThroughSeq, duplicatesIgnored: c.duplicatesIgnored, eventsByType: c.eventsByType, highestSeq: c.highestSeq };
  };

  it('accepts a valid batch, and the same batch again only as duplicates', async () => {
    const first = await sec.send(A, secretA, batchBody(A, threeEvents(), sec.epoch));
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ ackedThroughSeq: 3, highestSeq: 3, stored: 3, duplicates: 0, conflicts: 0, quarantined: [], serverTime: T0 });

    const centre = await sec.centre(A);
    expect(centre).toMatchObject({
      centreId: A,
      epoch: sec.epoch,
      eventsTotal: 3,
      eventsByType: { 'feedback.pressed': 2, 'device.online': 1 },
      ackedThroughSeq: 3,
      lastSyncAt: new Date(T0).toISOString(),
      duplicatesIgnored: 0,
    });

    sec.clock.advance(5_000);
    const again = await sec.send(A, secretA, batchBody(A, threeEvents(), sec.epoch));
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ ackedThroughSeq: 3, stored: 0, duplicates: 3, conflicts: 0, serverTime: T0 + 5_000 });
    expect(await sec.centre(A)).toMatchObject({ eventsTotal: 3, ackedThroughSeq: 3, duplicatesIgnored: 3 });

    // The other centre is untouched.
    expect(await sec.centre(B)).toMatchObject({ eventsTotal: 0, ackedThroughSeq: 0, lastSyncAt: null });
  });

  it('refuses bad signatures, replays, spoofed centres and stale clocks, and changes nothing', async () => {
    expect((await sec.send(A, secretA, batchBody(A, [signedEvent(feedbackEvent(1))], sec.epoch))).status).toBe(200);
    const before = await held();
    const next = () => gzipJson(batchBody(A, [signedEvent(feedbackEvent(2)), signedEvent(feedbackEvent(3))], sec.epoch));
    const at = sec.clock.now();

    // Body tampered with after signing.
    const signed = next();
    const headers = syncHeaders(signed, { secret: secretA, centreId: A, timestamp: at });
    const tampered = gzipJson(batchBody(A, [signedEvent(feedbackEvent(2, { rating: 1 }))], sec.epoch));
    const tamperedAnswer = await post(sec.baseUrl, SYNC_PATHS.batches, tampered, headers);
    expect(tamperedAnswer.status).toBe(401);
    expect(tamperedAnswer.json).toMatchObject({ error: { code: 'bad_signature' }, serverTime: T0 });
    expect(tamperedAnswer.json.error.message).toMatch(/secret.*body bytes exactly as sent/);

    // Signed with another secret.
    const other = next();
    const wrongKey = await post(sec.baseUrl, SYNC_PATHS.batches, other, syncHeaders(other, { secret: 'not-the-secret-of-a', centreId: A, timestamp: at }));
    expect(wrongKey.json.error.code).toBe('bad_signature');

    // Centre A's key and header, body claiming centre B.
    const spoof = gzipJson(batchBody(B, [signedEvent(feedbackEvent(1))], sec.epoch));
    const mismatch = await post(sec.baseUrl, SYNC_PATHS.batches, spoof, syncHeaders(spoof, { secret: secretA, centreId: A, timestamp: at }));
    expect(mismatch.status).toBe(403);
    expect(mismatch.json.error).toMatchObject({ code: 'centre_mismatch' });
    expect(mismatch.json.error.message).toMatch(/"centre-b" is not the signing centre "centre-a"/);

    // Header B, signed with A's secret.
    const asB = await post(sec.baseUrl, SYNC_PATHS.batches, spoof, syncHeaders(spoof, { secret: secretA, centreId: B, timestamp: at }));
    expect(asB.status).toBe(401);
    expect(asB.json.error.code).toBe('bad_signature');

    // Stale timestamp: the answer carries the Secretariat clock so the hub can correct.
    const stale = next();
    const staleAt = at - SIGNATURE_WINDOW_MS - 1_000;
    const skew = await post(sec.baseUrl, SYNC_PATHS.batches, stale, syncHeaders(stale, { secret: secretA, centreId: A, timestamp: staleAt }));
    expect(skew.status).toBe(401);
    expect(skew.json.error.code).toBe('timestamp_skew');
    expect(skew.json.serverTime).toBe(sec.clock.now());
    expect(skew.json.error.message).toContain(new Date(staleAt).toISOString());
    expect(skew.json.error.message).toContain(new Date(at).toISOString());
    expect(skew.json.error.message).toMatch(/301 s behind/);

    // Missing signature header; unknown centre.
    const bare = next();
    const { 'x-huduma-nonce': _nonce, ...withoutNonce } = syncHeaders(bare, { secret: secretA, centreId: A, timestamp: at });
    const unsigned = await post(sec.baseUrl, SYNC_PATHS.batches, bare, withoutNonce);
    expect(unsigned.status).toBe(401);
    expect(unsigned.json.error).toMatchObject({ code: 'unauthenticated' });
    expect(unsigned.json.error.message).toMatch(/x-huduma-nonce/);
    // An unknown centre is answered exactly like a wrong signature: the answer does not
    // tell an outsider which centres exist (docs/security.md); the metrics still do.
    const stranger = await post(sec.baseUrl, SYNC_PATHS.batches, bare, syncHeaders(bare, { secret: 'whatever', centreId: 'centre-z', timestamp: at }));
    expect(stranger.status).toBe(wrongKey.status);
    expect(stranger.json.error.code).toBe('bad_signature');
    expect(stranger.json.error.message.replace('"centre-z"', 'ID')).toBe(wrongKey.json.error.message.replace('"centre-a"', 'ID'));
    expect(stranger.json.error.message).toMatch(/centre add/);
    const metrics = await (await fetch(`${sec.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/secretariat_sync_requests_total\{route="batches",outcome="unknown_centre"\} 1\n/);
    expect(metrics).toMatch(/secretariat_sync_requests_total\{route="batches",outcome="bad_signature"\} 3\n/);

    expect(await held()).toEqual(before);
    expect(await held(B)).toMatchObject({ eventsTotal: 0, ackedThroughSeq: 0 });

    // An exact copy of an accepted request (same bytes, same headers) is refused.
    const original = next();
    const originalHeaders = syncHeaders(original, { secret: secretA, centreId: A, timestamp: at });
    expect((await post(sec.baseUrl, SYNC_PATHS.batches, original, originalHeaders)).status).toBe(200);
    const afterOriginal = await held();
    expect(afterOriginal.ackedThroughSeq).toBe(3);
    const replay = await post(sec.baseUrl, SYNC_PATHS.batches, original, originalHeaders);
    expect(replay.status).toBe(409);
    expect(replay.json.error.code).toBe('replayed');
    expect(await held()).toEqual(afterOriginal);
  });

  it('refuses malformed batches with a message naming the problem, storing nothing', async () => {
    const send = (bytes: Buffer, encoding = 'gzip') => {
      const headers = { ...syncHeaders(bytes, { secret: secretA, centreId: A, timestamp: sec.clock.now() }), 'content-encoding': encoding };
      return post(sec.baseUrl, SYNC_PATHS.batches, bytes, headers);
    };
    const expectMalformed = async (answer: Promise<Awaited<ReturnType<typeof send>>>, message: RegExp) => {
      const { status, json } = await answer;
      expect(status).toBe(400);
      expect(json.error.code).toBe('malformed_batch');
      expect(json.error.message).toMatch(message);
      expect(json.serverTime).toBe(T0);
    };
    const good = batchBody(A, [signedEvent(feedbackEvent(1))], sec.epoch);

    await expectMalformed(send(Buffer.from(JSON.stringify(good))), /not valid gzip/);
    await expectMalformed(send(gzipSync(Buffer.from('{"v":1, this is not json'))), /not JSON/);
    const { epoch: _epoch, ...noEpoch } = good;
    await expectMalformed(send(gzipJson(noEpoch)), /epoch: is required/);
    const { seq: _seq, ...noSeq } = signedEvent(feedbackEvent(2));
    await expectMalformed(send(gzipJson(batchBody(A, [signedEvent(feedbackEvent(1)), noSeq], sec.epoch))), /events\[1\].*seq: is required/);
    await expectMalformed(send(gzipJson(batchBody(A, [signedEvent(feedbackEvent(3)), signedEvent(feedbackEvent(2))], sec.epoch))), /events\[1\]\.seq 2 is lower than.*strictly ascending/);
    await expectMalformed(send(gzipJson(batchBody(A, [signedEvent(feedbackEvent(2)), signedEvent(feedbackEvent(2))], sec.epoch))), /repeats/);
    await expectMalformed(send(gzipJson(good), 'br'), /content-encoding "br" is not supported/);

    // Identity encoding is accepted.
    const identity = await send(Buffer.from(JSON.stringify(good)), 'identity');
    expect(identity.status).toBe(200);
    const afterIdentity = await held();
    expect(afterIdentity).toMatchObject({ eventsTotal: 1, ackedThroughSeq: 1 });

    // A gzip bomb: small on the wire, over the inflated limit.
    const bomb = gzipSync(Buffer.from(JSON.stringify({ ...good, padding: ' '.repeat(SYNC_MAX_INFLATED_BYTES) })));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const tooLarge = await send(bomb);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json.error.code).toBe('payload_too_large');

    // Over the compressed limit: refused before anything is read, still in the sync format.
    const huge = Buffer.alloc(SYNC_MAX_COMPRESSED_BYTES + 1, 7);
    const hugeAnswer = await send(huge);
    expect(hugeAnswer.status).toBe(413);
    expect(hugeAnswer.json).toMatchObject({ error: { code: 'payload_too_large' }, serverTime: T0 });

    expect(await held()).toEqual(afterIdentity);
  });

  it('quarantines a bad record in the middle, acks past it, and counts it apart', async () => {
    const badTime = { ...signedEvent(feedbackEvent(2)), at: 'yesterday' };
    const badData = signedEvent({ ...feedbackEvent(3), data: { ...(feedbackEvent(3).data as object), rating: 9 } });
    const badHash = { ...signedEvent(feedbackEvent(4)), hash: 'a'.repeat(64) };
    const events = [signedEvent(feedbackEvent(1)), badTime, badData, badHash, signedEvent(feedbackEvent(5))];
    const answer = await sec.send(A, secretA, batchBody(A, events, sec.epoch));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ ackedThroughSeq: 5, highestSeq: 5, stored: 2, duplicates: 0, conflicts: 0 });
    expect(answer.json.quarantined).toEqual([
      { seq: 2, reason: 'invalid_event', message: expect.stringMatching(/^at: /) },
      { seq: 3, reason: 'invalid_data', message: expect.stringMatching(/feedback\.pressed: data\.rating/) },
      { seq: 4, reason: 'hash_mismatch', message: expect.stringContaining('a'.repeat(64)) },
    ]);
    const centre = await sec.centre(A);
    expect(centre).toMatchObject({ eventsTotal: 2, ackedThroughSeq: 5, quarantinedTotal: 3, eventsByType: { 'feedback.pressed': 2 } });
    expect(centre.alarms).toContain('quarantine');
  });

  it('stores event types it does not know (schema evolution is additive)', async () => {
    const future = signedEvent({ seq: 1, type: 'kiosk.survey_answered', at: new Date(T0).toISOString(), data: { ticketId: 't-1', number: 'A001', extra: { nested: [1, 2] } } });
    const answer = await sec.send(A, secretA, batchBody(A, [future, signedEvent(feedbackEvent(2))], sec.epoch));
    expect(answer.json).toMatchObject({ ackedThroughSeq: 2, stored: 2, quarantined: [] });
    expect((await sec.centre(A)).eventsByType).toEqual({ 'kiosk.survey_answered': 1, 'feedback.pressed': 1 });
  });

  it('counts satisfaction today by the Nairobi date of each press', async () => {
    // 22:30 UTC on the 4th is 01:30 on the 5th in Nairobi: today. 20:00 UTC on the 4th is 23:00 there: yesterday.
    const events = [
      feedbackEvent(1, { rating: 4, pressedAt: '2025-03-04T22:30:00.000Z' }),
      feedbackEvent(2, { rating: 2, pressedAt: '2025-03-05T06:00:00.000Z' }),
      feedbackEvent(3, { rating: 1, pressedAt: '2025-03-04T20:00:00.000Z' }),
      feedbackEvent(4, { rating: 1, pressedAt: '2025-03-05T06:01:00.000Z', misuse: true }),
    ].map(signedEvent);
    expect((await sec.send(A, secretA, batchBody(A, events, sec.epoch))).status).toBe(200);
    const centre = await sec.centre(A);
    expect(centre.satisfactionToday).toMatchObject({ day: '2025-03-05', source: 'events', byRating: { '1': 0, '2': 1, '3': 0, '4': 1 }, score: 3 });
  });

  it('records heartbeats, shows live state, and raises the silent alarm when they stop', async () => {
    expect((await sec.centre(A)).alarms).toContain('silent');
    const heartbeat = heartbeatBody(A, sec.epoch);
    const answer = await sec.send(A, secretA, heartbeat, SYNC_PATHS.heartbeat);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ ackedThroughSeq: 0, highestSeq: 0, serverTime: T0 });

    const live = await sec.centre(A);
    expect(live).toMatchObject({
      lastHeartbeatAt: new Date(T0).toISOString(),
      silentForS: 0,
      backlogEvents: 3,
      oldestUnsyncedAgeS: 42,
      devicesOnline: 8,
      devicesTotal: 10,
      satisfactionToday: { day: '2025-03-05', source: 'heartbeat', presses: 6, byRating: { '1': 1, '2': 1, '3': 1, '4': 3 }, score: 3 },
    });
    expect(live.alarms).toEqual([]);

    sec.clock.advance(180_000);
    expect((await sec.centre(A)).alarms).toEqual([]);
    sec.clock.advance(1_000);
    const silent = await sec.centre(A);
    expect(silent.silentForS).toBe(181);
    expect(silent.alarms).toEqual(['silent']);

    // Silent centres rank first; a heartbeat from B with a worse disk and clock shows those alarms.
    const fromB = await sec.send(B, secretB, heartbeatBody(B, randomUUID(), { diskState: 'warn', clockOffsetMs: -200_000, oldestUnsyncedAgeS: 7200 }), SYNC_PATHS.heartbeat);
    expect(fromB.status).toBe(200);
    const list = await getJson(sec.baseUrl, '/api/centres');
    expect(list.json.centres.map((c: { centreId: string }) => c.centreId)).toEqual([A, B]);
    expect(list.json.centres[1].alarms).toEqual(['backlog', 'disk', 'clock']);

    // A heartbeat body naming another centre is refused like a batch.
    const spoof = await sec.send(A, secretA, heartbeatBody(B, sec.epoch), SYNC_PATHS.heartbeat);
    expect(spoof.status).toBe(403);
    expect(spoof.json.error.code).toBe('centre_mismatch');
  });

  it('signs the path: a heartbeat signature does not open the batch route', async () => {
    const bytes = gzipJson(batchBody(A, [signedEvent(feedbackEvent(1))], sec.epoch));
    const headers = syncHeaders(bytes, { secret: secretA, centreId: A, timestamp: sec.clock.now(), path: SYNC_PATHS.heartbeat });
    const answer = await post(sec.baseUrl, SYNC_PATHS.batches, bytes, headers);
    expect(answer.json.error.code).toBe('bad_signature');
    expect((await held()).ackedThroughSeq).toBe(0);
  });
});

describe('NOC token', () => {
  it('guards the centre API when configured, comparing the bearer token', async () => {
    const sec = await startSecretariat({ nocToken: 'noc-token-0123456789' });
    try {
      await sec.addCentre(A);
      expect((await getJson(sec.baseUrl, '/api/centres')).status).toBe(401);
      expect((await getJson(sec.baseUrl, `/api/centres/${A}`)).status).toBe(401);
      const wrong = await getJson(sec.baseUrl, '/api/centres', { authorization: 'Bearer noc-token-0123456780' });
      expect(wrong.status).toBe(401);
      expect(wrong.json.error.message).toMatch(/#token=/);
      const right = await getJson(sec.baseUrl, '/api/centres', { authorization: 'Bearer noc-token-0123456789' });
      expect(right.status).toBe(200);
      expect(right.json.centres.map((c: { centreId: string }) => c.centreId)).toEqual([A]);
      // The page itself and /health stay open (the page sends the token from #token=);
      // /metrics has per-centre figures and is guarded like the API.
      expect((await fetch(`${sec.baseUrl}/noc`)).status).toBe(200);
      expect((await fetch(`${sec.baseUrl}/health`)).status).toBe(200);
      expect((await fetch(`${sec.baseUrl}/metrics`)).status).toBe(401);
      expect((await fetch(`${sec.baseUrl}/metrics`, { headers: { authorization: 'Bearer noc-token-0123456789' } })).status).toBe(200);
    } finally {
      await sec.stop();
    }
  });

  it('is not needed when none is configured', async () => {
    const sec = await startSecretariat();
    try {
      expect((await getJson(sec.baseUrl, '/api/centres')).json).toMatchObject({ centres: [] });
    } finally {
      await sec.stop();
    }
  });
});
