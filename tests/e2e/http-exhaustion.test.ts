import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR } from '../helpers/browser.ts';
import { writeCentreConfig } from '../helpers/config-file.ts';
import { connectDevice, newBootId, publishPress } from '../helpers/device-client.ts';
import { runHubCli, spawnHub, waitUntil, type HubProcess } from '../helpers/hub-process.ts';
import { SocketPool } from '../helpers/lan-attacker.ts';
import { lanAddress, lanRequest, latencySummary, processFigures } from '../helpers/lan-client.ts';
import { SseReader } from '../helpers/sse.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * Issue 12, item 4 (docs/security.md, "Hub HTTP API"): a hostile client on the centre
 * LAN, spread over many addresses, holds slow bodies, 1 MB bodies, deeply nested JSON,
 * thousands of event streams and idle connections against a running hub process, while
 * the kiosk issues tickets, /health answers, a board opens its stream and feedback
 * devices get their PUBACK over MQTT. Figures (RSS, open fds from /proc, latencies) are
 * printed and written to test-artifacts/http-attack-figures.json; only generous bounds
 * on memory and file handles are asserted, never speed. The header and request
 * time-outs are shortened (4 s / 8 s) so the test sees them close connections.
 */
const HEADERS_TIMEOUT_MS = 4000;
const REQUEST_TIMEOUT_MS = 8000;
const CONNECTIONS_TOTAL = 2048;
const STREAMS_TOTAL = 256;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => lanAddress(from + i));

describe('hub HTTP under a resource-exhaustion attack (kiosk, devices and /health keep working)', () => {
  const dir = tempDir('huduma-exhaustion-');
  let hub: HubProcess;
  let port: number;
  let kiosk: string;
  let device: MqttClient;
  let pressSeq = 0;
  const boot = newBootId();
  const pools: SocketPool[] = [];
  const figures: Record<string, unknown> = {};

  const cli = async (...args: string[]) => {
    const result = await runHubCli([...args, '--data-dir', dir.path]);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Record<string, string>;
  };
  const health = async () => (await lanRequest(port, { path: '/health' })).json;

  beforeAll(async () => {
    kiosk = (await cli('token', 'create', '--role', 'kiosk')).token!;
    const config = writeCentreConfig(dir.path, { http: { limits: { headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS } } });
    // Before the hub's first start the data dir learns its centre from --config (docs/provisioning.md).
    const first = await cli('device', 'add', 'eifd-k01', '--counter', 'c01', '--config', config);
    hub = await spawnHub(['--config', config, '--data-dir', dir.path, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1']);
    port = hub.httpPort;
    device = await connectDevice(hub.mqttPort, { deviceId: first.deviceId!, password: first.password! });
  });

  afterAll(async () => {
    for (const pool of pools) pool.stop();
    figures.pools ??= pools.map((pool) => pool.figures);
    await device?.endAsync().catch(() => {});
    await hub?.kill();
    dir.remove();
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    writeFileSync(join(ARTIFACTS_DIR, 'http-attack-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`HTTP exhaustion figures: ${JSON.stringify(figures)}`);
  });

  /** One round of the legitimate centre: a ticket at the kiosk, /health, a press with its PUBACK. */
  async function legitimateRound(into: { ticket: number[]; health: number[]; puback: number[]; held?: Array<{ connections: number; streams: number }> }): Promise<void> {
    const ticket = await lanRequest(port, { path: '/api/tickets', headers: { authorization: `Bearer ${kiosk}` }, body: { serviceId: 'kra' } });
    expect(ticket.status, ticket.text).toBe(201);
    into.ticket.push(ticket.ms);
    const probe = await lanRequest(port, { path: '/health' });
    expect(probe.status).toBe(200);
    into.health.push(probe.ms);
    into.held?.push({ connections: probe.json.http.connections, streams: probe.json.http.streams });
    const started = performance.now();
    pressSeq++;
    await publishPress(device, 'demo-centre', 'eifd-k01', { seq: pressSeq, boot, rating: 4, upMs: pressSeq * 10_000, sentUpMs: pressSeq * 10_000 });
    into.puback.push(performance.now() - started);
  }

  it('holds its limits: bounded memory and file handles, every legitimate call answered', async () => {
    const pid = hub.child.pid!;
    const fdLimit = Number(/^Max open files\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))?.[1]);
    const baseline = { ticket: [] as number[], health: [] as number[], puback: [] as number[] };
    for (let i = 0; i < 5; i++) await legitimateRound(baseline);
    const before = processFigures(pid);

    // Bodies and JSON that used to cost memory or event-loop time, refused before they are read.
    const refusedBodies = await Promise.all([
      ...Array.from({ length: 100 }, (_, i) => lanRequest(port, { from: lanAddress(300 + (i % 10)), path: '/api/officer/login', body: `{"a":${'['.repeat(400)}${']'.repeat(400)}}` })),
      ...Array.from({ length: 50 }, (_, i) => lanRequest(port, { from: lanAddress(310 + (i % 5)), path: '/api/officer/login', body: { counterId: 'c01', officerId: 'x', pin: '1234', pad: 'x'.repeat(2000) } })),
      ...Array.from({ length: 50 }, (_, i) => lanRequest(port, { from: lanAddress(315 + (i % 5)), path: '/api/tickets', body: { serviceId: 'kra', pad: 'x'.repeat(100_000) } })),
    ]);
    const codes = refusedBodies.map((a) => `${a.status} ${a.json?.error?.code}`);
    expect(codes.slice(0, 100)).toEqual(Array(100).fill('400 json_too_deep'));
    expect(codes.slice(100, 150)).toEqual(Array(50).fill('413 body_too_large'));
    expect(codes.slice(150)).toEqual(Array(50).fill('401 unauthorized'));
    expect(refusedBodies[100]!.headers.connection).toBe('close');

    const loginHead = (length: number) => `POST /api/officer/login HTTP/1.1\r\nhost: hub\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`;
    const slowBodies = new SocketPool({ port, name: 'slow login bodies (1000 B announced, 100 sent)', addresses: range(0, 10), perAddress: 40, send: `${loginHead(1000)}{"counterId":"c01","officerId":"${'x'.repeat(70)}`, reopenAfterMs: 500 });
    const bigBodies = new SocketPool({ port, name: '1 MB ticket bodies without a token', addresses: range(10, 15), perAddress: 40, send: `POST /api/tickets HTTP/1.1\r\nhost: hub\r\ncontent-type: application/json\r\ncontent-length: 1048576\r\n\r\n{"serviceId":"${'k'.repeat(60_000)}`, reopenAfterMs: 1000 });
    const nested = new SocketPool({ port, name: '1 MB nested JSON to login', addresses: range(15, 17), perAddress: 25, send: `${loginHead(1_048_576)}${'['.repeat(60_000)}`, reopenAfterMs: 1000 });
    const streams = new SocketPool({ port, name: 'event streams, never read', addresses: range(20, 60), perAddress: 50, send: 'GET /api/queue/stream HTTP/1.1\r\nhost: hub\r\naccept: text/event-stream\r\n\r\n', reopenAfterMs: 5000 });
    const idle = new SocketPool({ port, name: 'idle connections', addresses: range(80, 83), perAddress: 700, reopenAfterMs: 3000 });
    pools.push(streams, slowBodies, bigBodies, nested, idle);
    const attackStarted = performance.now();
    // Streams first, until the hub holds all it takes; then everything else at once.
    await streams.start();
    const full = await waitUntil(health, (h) => h.http.streams >= STREAMS_TOTAL, 'the hub to hold its most streams', 20_000);
    await Promise.all(pools.filter((pool) => pool !== streams).map((pool) => pool.start()));
    figures.attackOpenedMs = Math.round(performance.now() - attackStarted);

    // The centre under attack: kiosk, /health, presses; a hall board opens its stream; a new device connects.
    const under = { ticket: [] as number[], health: [] as number[], puback: [] as number[], held: [] as Array<{ connections: number; streams: number }> };
    const samples: Array<{ rssMb: number; fds: number }> = [processFigures(pid)];
    const board = await SseReader.open(`http://127.0.0.1:${port}/api/queue/stream`);
    const boardSnapshot = await board.next<{ centre: { id: string } }>('state', () => true);
    expect(boardSnapshot.centre.id).toBe('demo-centre');
    board.close();
    // A device provisioned during the attack: the hub applies `device add` within a second (process contract).
    const second = await cli('device', 'add', 'eifd-k02', '--counter', 'c02');
    const late = await waitUntil(
      () => connectDevice(hub.mqttPort, { deviceId: second.deviceId!, password: second.password! }).catch(() => null),
      (client) => client !== null,
      'the new device to be accepted',
    );
    await publishPress(late!, 'demo-centre', 'eifd-k02', { seq: 1, boot: newBootId(), rating: 3, upMs: 1000, sentUpMs: 1000 });
    await late!.endAsync();
    for (let round = 0; round < 15; round++) {
      await legitimateRound(under);
      samples.push(processFigures(pid));
    }
    samples.push(processFigures(pid));
    const held = { connections: Math.max(...under.held.map((h) => h.connections)), streams: Math.max(...under.held.map((h) => h.streams)) };

    // The time-outs close what the attacker holds: silent connections at the header
    // time-out (no answer), slow bodies at the request time-out (408).
    await waitUntil(async () => [idle.figures.answers['(nothing)'] ?? 0, slowBodies.figures.answers['HTTP/1.1 408 Request Timeout'] ?? 0], ([silent, slow]) => silent! > 0 && slow! > 0, 'the hub to time out idle connections and slow bodies', 30_000);
    samples.push(processFigures(pid));
    for (const pool of pools) pool.stop();
    const after = await waitUntil(health, (h) => h.http.connections <= 2 && h.http.streams === 0, 'the attack connections to be gone', 20_000);

    const peak = { rssMb: Math.max(...samples.map((s) => s.rssMb)), fds: Math.max(...samples.map((s) => s.fds)) };
    Object.assign(figures, {
      hub: { before, peak, after: processFigures(pid), fdLimit },
      legitimateMs: {
        baseline: { ticket: latencySummary(baseline.ticket), health: latencySummary(baseline.health), puback: latencySummary(baseline.puback) },
        underAttack: { ticket: latencySummary(under.ticket), health: latencySummary(under.health), puback: latencySummary(under.puback) },
      },
      hubHeldAtMost: held,
      refusedByReason: after.http.refusedByReason,
      pools: pools.map((pool) => pool.figures),
    });

    // Generous bounds only: memory and file handles stay bounded by the caps.
    expect(held.connections).toBeLessThanOrEqual(CONNECTIONS_TOTAL);
    expect(held.connections).toBeGreaterThan(CONNECTIONS_TOTAL / 2);
    expect(full.http.streams).toBe(STREAMS_TOTAL);
    expect(held.streams).toBeLessThanOrEqual(STREAMS_TOTAL);
    expect(peak.fds).toBeLessThan(CONNECTIONS_TOTAL + 512);
    expect(peak.fds).toBeLessThan(fdLimit / 2);
    expect(peak.rssMb).toBeLessThan(before.rssMb + 200);
    expect(after.http.refusedByReason).toMatchObject({
      streams_per_address: expect.any(Number),
      streams_total: expect.any(Number),
      unauthorized: expect.any(Number),
      body_too_large: expect.any(Number),
      json_too_deep: 100,
    });
    expect((after.http.refusedByReason.connections_total ?? 0) + (after.http.refusedByReason.connection_evicted ?? 0)).toBeGreaterThan(0);
    expect(idle.figures.answers['(nothing)']).toBeGreaterThan(0);
    expect(slowBodies.figures.answers['HTTP/1.1 408 Request Timeout']).toBeGreaterThan(0);
    expect(streams.figures.answers['HTTP/1.1 429 Too Many Requests'] ?? 0).toBeGreaterThan(0);
  }, 180_000);
});
