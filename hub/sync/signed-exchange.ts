import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { signRequest } from '../../protocol/sync/signing.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { SyncTransport } from './http-transport.ts';
import { SyncError } from './sync-errors.ts';

const gzipAsync = promisify(gzip);

/**
 * One signed, gzip-compressed POST to the Secretariat, with the clock correction the
 * contract asks for: every answer carries the Secretariat's time, and a request
 * refused for its timestamp is signed again once with the corrected clock, so a hub
 * without NTP (docs/sync-contract.md, "No NTP") syncs instead of
 * being locked out. Event times stay on the hub clock; the offset is reported.
 */
export class SignedExchange {
  readonly #transport: SyncTransport;
  readonly #pathFor: (path: string) => string;
  readonly #centreId: string;
  readonly #secret: string;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  /** Secretariat clock − hub clock, ms; null until the first answer. */
  clockOffsetMs: number | null = null;

  constructor(options: { transport: SyncTransport; pathFor?: (path: string) => string; centreId: string; secret: string; clock: Clock; timeoutMs: number }) {
    this.#transport = options.transport;
    this.#pathFor = options.pathFor ?? ((path) => path);
    this.#centreId = options.centreId;
    this.#secret = options.secret;
    this.#clock = options.clock;
    this.#timeoutMs = options.timeoutMs;
  }

  /** Posts `json` (text or its UTF-8 bytes) to `path`; resolves with the parsed 2xx body, or throws SyncError. */
  async post(path: string, json: string | Buffer): Promise<{ body: unknown; bytesSent: number }> {
    const body = await gzipAsync(typeof json === 'string' ? Buffer.from(json, 'utf8') : json);
    try {
      return { body: await this.#send(path, body), bytesSent: body.length };
    } catch (error) {
      if (!(error instanceof SyncError) || error.kind !== 'clock') throw error;
      // Corrected from the refusal's serverTime; a second refusal is the caller's.
      return { body: await this.#send(path, body), bytesSent: body.length };
    }
  }

  async #send(path: string, body: Buffer): Promise<unknown> {
    const fullPath = this.#pathFor(path);
    const sentAt = this.#clock.now();
    const headers = {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      // The API path, not the URL's: a reverse proxy in front of the Secretariat may
      // mount it under a prefix and strip it, and the receiver checks what it sees.
      ...signRequest(this.#secret, { method: 'POST', path, centreId: this.#centreId, timestamp: sentAt + (this.clockOffsetMs ?? 0), body }),
    };
    try {
      const result = await this.#transport.post(fullPath, body, headers, this.#timeoutMs);
      this.#learnOffset(result.json, sentAt);
      return result.json;
    } catch (error) {
      if (error instanceof SyncError && error.serverTime !== null) this.#learnOffset({ serverTime: error.serverTime }, sentAt);
      throw error;
    }
  }

  /** The server stamped its time somewhere inside the round trip: assume the middle. */
  #learnOffset(json: unknown, sentAt: number): void {
    const serverTime = (json as { serverTime?: unknown } | null)?.serverTime;
    if (typeof serverTime !== 'number' || !Number.isFinite(serverTime)) return;
    const midpoint = sentAt + (this.#clock.now() - sentAt) / 2;
    this.clockOffsetMs = Math.round(serverTime - midpoint);
  }
}
