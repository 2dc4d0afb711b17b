import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../../runtime/clock.ts';
import { STREAM_KEEPALIVE_MS } from '../../config/http-section.ts';
import type { EventBus } from '../../event-bus.ts';
import type { QueueService } from '../../queue/queue-service.ts';
import { ApiError } from '../errors.ts';
import { clientAddress } from '../limits/connection-guard.ts';
import { FairShareQuota } from '../limits/fair-share.ts';
import type { HttpRefusals } from '../limits/refusals.ts';
import { SECURITY_HEADERS } from '../security-headers.ts';

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

export interface QueueStreamDeps {
  queue: QueueService;
  bus: EventBus;
  clock: Clock;
  refusals: HttpRefusals;
  limits: { streamsPerAddress: number; streamsTotal: number };
}

/**
 * `GET /api/queue/stream`: server-sent events for the kiosk, counter console and hall
 * board. Event `state` carries the whole QueueSnapshot, at connect and after every queue
 * change (changes in one event-loop turn coalesce into one snapshot), so a page that
 * reconnects is whole again at once. Public: it shows what the hall boards show (no
 * officer ids). Streams are capped per client address and in all
 * (http.limits.streamsPerAddress / streamsTotal; docs/security.md): beyond, 429 or 503
 * with Retry-After.
 */
export function queueStreamRoutes(app: FastifyInstance, deps: QueueStreamDeps): { open(): number } {
  const clients = new Set<ServerResponse>();
  const quota = new FairShareQuota<ServerResponse>({ perAddress: deps.limits.streamsPerAddress, total: deps.limits.streamsTotal });
  let pending = false;
  let snapshotId = 0;

  const broadcast = () => {
    pending = false;
    if (clients.size === 0) return;
    const frame = `id: ${++snapshotId}\nevent: state\ndata: ${JSON.stringify(deps.queue.snapshot())}\n\n`;
    for (const client of clients) send(client, frame);
  };
  const send = (client: ServerResponse, frame: string) => {
    if (client.writableLength > MAX_BUFFERED_BYTES) {
      // Counted, not logged one by one (refusals.ts logs a summary); it reconnects by itself.
      deps.refusals.count('stream_not_reading', clientAddress(client.socket?.remoteAddress));
      client.destroy();
      return;
    }
    client.write(frame);
  };
  const onChange = () => {
    if (pending) return;
    pending = true;
    setImmediate(broadcast);
  };
  deps.bus.on('queue.changed', onChange);
  const cancelKeepalive = deps.clock.setRepeating(() => {
    for (const client of clients) send(client, ': keepalive\n\n');
  }, STREAM_KEEPALIVE_MS);

  app.addHook('onClose', async () => {
    deps.bus.off('queue.changed', onChange);
    cancelKeepalive();
    for (const client of clients) client.end();
    clients.clear();
  });

  app.get('/api/queue/stream', (request, reply) => {
    const address = clientAddress(request.socket.remoteAddress);
    const res = reply.raw;
    const admission = quota.admit(address, res);
    if (!admission.admitted) {
      const perAddress = admission.reason === 'per_address';
      deps.refusals.count(perAddress ? 'streams_per_address' : 'streams_total', address);
      const retry = { retryAfterS: STREAM_RETRY_AFTER_S };
      throw perAddress
        ? new ApiError(429, 'too_many_streams', `this address has ${quota.perAddress} queue streams open already, the most one client may (http.limits.streamsPerAddress); close a page and retry in ${STREAM_RETRY_AFTER_S} s`, undefined, retry)
        : new ApiError(503, 'too_many_streams', `the hub serves the most queue streams it takes (http.limits.streamsTotal); retry in ${STREAM_RETRY_AFTER_S} s`, undefined, retry);
    }
    if (admission.evicted) {
      deps.refusals.count('stream_evicted', admission.evicted.address);
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
    res.write(`retry: 2000\nid: ${snapshotId}\nevent: state\ndata: ${JSON.stringify(deps.queue.snapshot())}\n\n`);
    clients.add(res);
    res.once('close', () => {
      clients.delete(res);
      quota.release(address, res);
    });
  });

  return { open: () => quota.size };
}
