// Shared by the Secretariat suites (and the e2e CLI test): signed, gzip-compressed sync
// requests built exactly as a hub builds them, and a real Secretariat on port 0 with a
// real SQLite store in a temp dir and an injected clock.
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { eventHash, newNonce, signRequest, SYNC_PATHS, type SyncHeartbeat } from '../../protocol/sync/index.ts';
import { silentLogger } from '../../secretariat/logger.ts';
import { Secretariat, type SecretariatOptions } from '../../secretariat/secretariat.ts';
import { openSecretariatStore } from '../../secretariat/store/open-store.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** 2025-03-05 10:00 in Nairobi (07:00 UTC). */
export const T0 = Date.parse('2025-03-05T07:00:00.000Z');

export interface OutboxLikeEvent {
  seq: number;
  type: string;
  at: string;
  data: unknown;
}

/** An event as the hub sends it: with the hash the hub computes (eventHash). */
export function signedEvent(event: OutboxLikeEvent): OutboxLikeEvent & { hash: string } {
  return { ...event, hash: eventHash(event.type, event.at, JSON.stringify(event.data)).toString('hex') };
}

export function feedbackEvent(seq: number, options: { rating?: number; pressedAt?: string; misuse?: boolean } = {}): OutboxLikeEvent {
  const pressedAt = options.pressedAt ?? new Date(T0 - 60_000 + seq).toISOString();
  return {
    seq,
    type: 'feedback.pressed',
    at: pressedAt,
    data: {
      deviceId: 'eifd-01',
      counterId: 'c01',
      boot: 'boot-0123456789abcdef',
      deviceSeq: seq,
      rating: options.rating ?? 4,
      misuse: options.misuse ?? false,
      pressedAt,
      receivedAt: pressedAt,
      deviceAt: null,
      upMs: 1000 + seq,
      sentUpMs: 1000 + seq,
      clockQuality: 'uptime',
    },
  };
}

export function deviceOnlineEvent(seq: number): OutboxLikeEvent {
  return { seq, type: 'device.online', at: new Date(T0 - 120_000).toISOString(), data: { deviceId: 'eifd-01', counterId: 'c01', fw: '1.0.0', boot: 'boot-0123456789abcdef' } };
}

export function batchBody(centreId: string, events: unknown[], epoch: string, sentAt = new Date(T0).toISOString()): Record<string, unknown> {
  return { v: 1, centreId, epoch, sentAt, events };
}

export function heartbeatBody(centreId: string, epoch: string, overrides: Partial<SyncHeartbeat> = {}): SyncHeartbeat {
  return {
    v: 1,
    centreId,
    epoch,
    at: new Date(T0).toISOString(),
    version: '0.1.0',
    lastSeq: 10,
    ackedThroughSeq: 7,
    backlogEvents: 3,
    backlogBytes: 900,
    oldestUnsyncedAgeS: 42,
    lastSyncAt: new Date(T0 - 60_000).toISOString(),
    devicesOnline: 8,
    devicesTotal: 10,
    clockOffsetMs: 150,
    freeDiskBytes: 10_000_000_000,
    diskState: 'ok',
    quarantinedTotal: 0,
    feedbackToday: { day: '2025-03-05', presses: 6, byRating: { '4': 3, '3': 1, '2': 1, '1': 1 } },
    ...overrides,
  };
}

export const gzipJson = (value: unknown): Buffer => gzipSync(Buffer.from(JSON.stringify(value)));

export interface SignOptions {
  secret: string;
  /** The centre in the x-huduma-centre header (and the signed parts). */
  centreId: string;
  timestamp: number;
  path?: string;
  nonce?: string;
}

/** Headers of a signed gzip sync request over exactly `body`. */
export function syncHeaders(body: Buffer, options: SignOptions): Record<string, string> {
  return {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
    ...signRequest(options.secret, {
      method: 'POST',
      path: options.path ?? SYNC_PATHS.batches,
      centreId: options.centreId,
      timestamp: options.timestamp,
      nonce: options.nonce ?? newNonce(),
      body,
    }),
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  json: any;
}

export async function post(baseUrl: string, path: string, body: Buffer, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', body, headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
}

export async function getJson(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, { headers });
  return { status: response.status, headers: response.headers, json: await response.json() };
}

/** A settable clock: tests move time instead of sleeping. */
export class TestClock {
  constructor(public ms: number = T0) {}
  now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface RunningSecretariat {
  baseUrl: string;
  port: number;
  clock: TestClock;
  dataDir: string;
  epoch: string;
  /** Registers a centre in the store (as `centre add` does) and returns its secret. */
  addCentre(centreId: string): Promise<string>;
  /** Signs with the centre's own secret and header, at the clock's time, and posts. */
  send(centreId: string, secret: string, body: unknown, path?: string): Promise<Answer>;
  centre(centreId: string): Promise<any>;
  stop(): Promise<void>;
}

export async function startSecretariat(options: Partial<SecretariatOptions> = {}): Promise<RunningSecretariat> {
  const dir = tempDir('huduma-secretariat-');
  const clock = new TestClock();
  const secretariat = new Secretariat({ dataDir: dir.path, host: '127.0.0.1', port: 0, explicitPort: true, log: silentLogger(), clock, pid: 4242, ...options });
  const { httpPort } = await secretariat.start();
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  const epoch = randomUUID();
  return {
    baseUrl,
    port: httpPort,
    clock,
    dataDir: dir.path,
    epoch,
    async addCentre(centreId) {
      const secret = `secret-${centreId}-${randomUUID()}`;
      const store = await openSecretariatStore({ dataDir: dir.path });
      try {
        await store.addCentre(centreId, secret, clock.now());
      } finally {
        await store.close();
      }
      return secret;
    },
    send(centreId, secret, body, path = SYNC_PATHS.batches) {
      const bytes = gzipJson(body);
      return post(baseUrl, path, bytes, syncHeaders(bytes, { secret, centreId, timestamp: clock.now(), path }));
    },
    async centre(centreId) {
      const answer = await getJson(baseUrl, `/api/centres/${centreId}`);
      if (answer.status !== 200) throw new Error(`GET centre ${centreId}: ${answer.status} ${JSON.stringify(answer.json)}`);
      return answer.json;
    },
    async stop() {
      await secretariat.stop();
      dir.remove();
    },
  };
}
