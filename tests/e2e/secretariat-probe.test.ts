import { randomBytes, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_PATHS } from '../../protocol/sync/index.ts';
import { runSecretariatCli, spawnSecretariat, type SecretariatProcess } from '../helpers/secretariat-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { feedbackEvent, gzipJson, heartbeatBody, post, signedEvent, syncHeaders, type Answer } from '../secretariat/sync-fixture.ts';

const TOKEN = `noc-${randomBytes(12).toString('hex')}`;
const DEPTH = 100_000;

/**
 * The probe's low findings (issue 12, item 4), replayed against a real
 * `huduma-secretariat start`: /metrics readable without the NOC token, an unknown centre
 * told apart from a bad signature, a 100,000-deep event answered 500, and an event type
 * `__proto__` missing from eventsByType. Each attack is sent signed where a hub would
 * sign it, and the legitimate events beside it must land.
 */
describe('Secretariat against the probe’s low findings (its own process)', () => {
  const dir = tempDir('huduma-secretariat-probe-');
  let sec: SecretariatProcess;
  let secret: string;
  const epoch = randomUUID();
  beforeAll(async () => {
    sec = await spawnSecretariat(['--data-dir', dir.path, '--http-port', '0', '--noc-token', TOKEN]);
    const added = await runSecretariatCli(['centre', 'add', 'c1', '--data-dir', dir.path]);
    secret = (JSON.parse(added.stdout) as { secret: string }).secret;
  });
  afterAll(async () => {
    expect(await sec.stop()).toBe(0);
    dir.remove();
  });

  const auth = { authorization: `Bearer ${TOKEN}` };
  const sendBytes = (body: Buffer, options: { centreId?: string; secret?: string; path?: string } = {}): Promise<Answer> => {
    const path = options.path ?? SYNC_PATHS.batches;
    return post(sec.url, path, body, syncHeaders(body, { secret: options.secret ?? secret, centreId: options.centreId ?? 'c1', timestamp: Date.now(), path }));
  };
  const batchText = (events: string[]) => `{"v":1,"centreId":"c1","epoch":"${epoch}","sentAt":"${new Date().toISOString()}","events":[${events.join(',')}]}`;
  const centre = async () => (await (await fetch(`${sec.url}/api/centres/c1`, { headers: auth })).json()) as { eventsByType: Record<string, number>; ackedThroughSeq: number; quarantinedTotal: number };

  it('guards /metrics with the NOC token like /api/centres', async () => {
    expect((await fetch(`${sec.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${sec.url}/api/centres`)).status).toBe(401);
    const metrics = await fetch(`${sec.url}/metrics`, { headers: auth });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('secretariat_sync_requests_total');
  });

  it('answers an unknown centre exactly as a bad signature, and tells them apart only in its own metrics and log', async () => {
    const body = gzipJson({ v: 1 });
    const unknown = await sendBytes(body, { centreId: 'no-such-centre', secret: 'guess' });
    const forged = await sendBytes(body, { secret: 'not-the-secret-of-c1' });
    expect(unknown.status).toBe(401);
    expect(forged.status).toBe(401);
    expect(unknown.json.error.code).toBe('bad_signature');
    expect(forged.json.error.code).toBe('bad_signature');
    expect(unknown.json.error.message.replace('"no-such-centre"', 'ID')).toBe(forged.json.error.message.replace('"c1"', 'ID'));
    expect(Object.keys(unknown.json).sort()).toEqual(Object.keys(forged.json).sort());

    const metrics = await (await fetch(`${sec.url}/metrics`, { headers: auth })).text();
    expect(metrics).toMatch(/secretariat_sync_requests_total\{route="batches",outcome="unknown_centre"\} 1\n/);
    expect(metrics).toMatch(/secretariat_sync_requests_total\{route="batches",outcome="bad_signature"\} 1\n/);
    expect(sec.stderr()).toMatch(/"reason":"unknown_centre".*centre \\"no-such-centre\\" is not registered here \(register it with \\"huduma-secretariat centre add\\"\)/);
    expect(sec.stderr()).toMatch(/"reason":"bad_signature"/);
  });

  it('quarantines an event nested 100,000 deep, lands the rest of its batch and advances the acknowledgment', async () => {
    const deep = `{"seq":2,"type":"test.deep","at":"${new Date().toISOString()}","data":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)},"hash":"${'0'.repeat(64)}"}`;
    const answer = await sendBytes(gzipSync(batchText([JSON.stringify(signedEvent(feedbackEvent(1))), deep, JSON.stringify(signedEvent(feedbackEvent(3)))])));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ ackedThroughSeq: 3, stored: 2, quarantined: [{ seq: 2, reason: 'invalid_data', message: expect.stringMatching(/data nests deeper than 64 levels/) }] });
    expect(await centre()).toMatchObject({ ackedThroughSeq: 3, quarantinedTotal: 1 });

    // Deep where no seq can be read, or in a heartbeat: a clear 400, nothing stored.
    const seqless = await sendBytes(gzipSync(batchText([`{"data":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`])));
    expect(seqless.status).toBe(400);
    expect(seqless.json.error).toMatchObject({ code: 'malformed_batch', message: expect.stringMatching(/events\[0\]: nests deeper than 64 levels and its seq cannot be read/) });
    const heartbeat = JSON.stringify(heartbeatBody('c1', epoch)).replace(/}$/, `,"extra":${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}}`);
    const beat = await sendBytes(gzipSync(heartbeat), { path: SYNC_PATHS.heartbeat });
    expect(beat.status).toBe(400);
    expect(beat.json.error.message).toMatch(/heartbeat body nests deeper than 67 levels/);
    expect((await fetch(`${sec.url}/health`)).status).toBe(200);
    expect(sec.stderr()).not.toMatch(/Maximum call stack|"level":50/);
  });

  it('counts and shows every event type, __proto__ and constructor included', async () => {
    const before = (await centre()).eventsByType;
    const types = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'feedback.pressed'];
    const events = types.map((type, i) => (type === 'feedback.pressed' ? signedEvent(feedbackEvent(10 + i)) : signedEvent({ seq: 10 + i, type, at: new Date().toISOString(), data: { n: i } })));
    const answer = await sendBytes(gzipSync(batchText(events.map((event) => JSON.stringify(event)))));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ stored: 5, quarantined: [] });
    const after = (await centre()).eventsByType;
    expect(Object.entries(after).sort()).toEqual([
      ['__proto__', 1], ['constructor', 1], ['feedback.pressed', (before['feedback.pressed'] ?? 0) + 1], ['hasOwnProperty', 1], ['toString', 1],
    ]);
    // The list the NOC page reads shows them too.
    const list = (await (await fetch(`${sec.url}/api/centres`, { headers: auth })).json()) as { centres: Array<{ eventsByType: Record<string, number> }> };
    expect(Object.keys(list.centres[0]!.eventsByType)).toContain('__proto__');
  });
});
