import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../runtime/clock.ts';
import { STREAM_KEEPALIVE_MS } from '../config/http-section.ts';
import { ApiError } from './errors.ts';
import { clientAddress } from './limits/connection-guard.ts';
import { FairShareQuota } from './limits/fair-share.ts';
import type { HttpRefusals } from './limits/refusals.ts';
import { SECURITY_HEADERS } from './security-headers.ts';

/**
 * A page that stops reading is dropped rather than buffered without bound: beyond what
 * the kernel's socket buffer holds, at most this much per stream (a snapshot of a big
 * centre is ~20 KB), so streamsTotal streams cannot hold more than 64 MB between them.
 */
const MAX_BUFFERED_BYTES = 256 * 1024;
/**
 * A refused page tries again no sooner than this. (EventSource cannot read it, but gives
 * up on an error status; kiosk/public/assets/stream.js then backs off from 1 s to 15 s.)
 */
const STREAM_RETRY_AFTER_S = 30;

/** One server-sent event frame. */
export function sseFrame(event: string, data: unknown, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * The open streams of one kind (the queue's, the technicians'): capped per client
 * address and in all (http.limits.streamsPerAddress / streamsTotal; docs/security.md),
 * beyond which 429 or 503 with Retry-After; a slow reader is dropped, not buffered;
 * a comment every STREAM_KEEPALIVE_MS keeps proxies from closing an idle stream.
 */
export class SseClients {
  /** Each stream with the check that it may go on (a staff session that ended may not). */
  readonly #clients = new Map<ServerResponse, (() => boolean) | null>();
  readonly #quota: FairShareQuota<ServerResponse>;
  readonly #refusals: HttpRefusals;
  readonly #name: string;
  readonly #cancelKeepalive: () => void;

  /** `name` says which streams in refusal messages ("queue streams"). */
  constructor(options: { name: string; clock: Clock; refusals: HttpRefusals; limits: { streamsPerAddress: number; streamsTotal: number } }) {
    this.#name = options.name;
    this.#refusals = options.refusals;
    this.#quota = new FairShareQuota({ perAddress: options.limits.streamsPerAddress, total: options.limits.streamsTotal });
    this.#cancelKeepalive = options.clock.setRepeating(() => this.#keepalive(), STREAM_KEEPALIVE_MS);
  }

  get open(): number {
    return this.#quota.size;
  }

  get size(): number {
    return this.#clients.size;
  }

  /**
   * Takes the request over as a stream and sends `first` (the whole state), or throws
   * the refusal. `stillAllowed`, checked before every frame, ends the stream once it
   * says no (a revoked or expired staff session sees nothing more).
   */
  accept(request: FastifyRequest, reply: FastifyReply, first: string, stillAllowed: (() => boolean) | null = null): void {
    const address = clientAddress(request.socket.remoteAddress);
    const res = reply.raw;
    const admission = this.#quota.admit(address, res);
    if (!admission.admitted) {
      const perAddress = admission.reason === 'per_address';
      this.#refusals.count(perAddress ? 'streams_per_address' : 'streams_total', address);
      const retry = { retryAfterS: STREAM_RETRY_AFTER_S };
      throw perAddress
        ? new ApiError(429, 'too_many_streams', `this address has ${this.#quota.perAddress} ${this.#name} open already, the most one client may (http.limits.streamsPerAddress); close a page and retry in ${STREAM_RETRY_AFTER_S} s`, undefined, retry)
        : new ApiError(503, 'too_many_streams', `the hub serves the most ${this.#name} it takes (http.limits.streamsTotal); retry in ${STREAM_RETRY_AFTER_S} s`, undefined, retry);
    }
    if (admission.evicted) {
      this.#refusals.count('stream_evicted', admission.evicted.address);
      admission.evicted.item.destroy();
    }
    reply.hijack();
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // Reconnect after 2 s when the hub restarts (EventSource's default is 3 s).
    res.write(`retry: 2000\n${first}`);
    this.#clients.set(res, stillAllowed);
    res.once('close', () => {
      this.#clients.delete(res);
      this.#quota.release(address, res);
    });
  }

  broadcast(frame: string): void {
    for (const client of this.#clients.keys()) this.#send(client, frame);
  }

  #keepalive(): void {
    this.broadcast(': keepalive\n\n');
  }

  /** Ends every stream (the server is closing). */
  close(): void {
    this.#cancelKeepalive();
    for (const client of this.#clients.keys()) client.end();
    this.#clients.clear();
  }

  #send(client: ServerResponse, frame: string): void {
    const stillAllowed = this.#clients.get(client);
    if (stillAllowed && !stillAllowed()) {
      client.end();
      return;
    }
    if (client.writableLength > MAX_BUFFERED_BYTES) {
      // Counted, not logged one by one (refusals.ts logs a summary); it reconnects by itself.
      this.#refusals.count('stream_not_reading', clientAddress(client.socket?.remoteAddress));
      client.destroy();
      return;
    }
    client.write(frame);
  }
}
