import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../clock.ts';
import type { EventBus } from '../../event-bus.ts';
import type { Logger } from '../../logger.ts';
import type { QueueService } from '../../queue/queue-service.ts';

/** A comment line this often keeps proxies and TV browsers from closing an idle stream. */
const KEEPALIVE_MS = 25_000;
/** A page that stops reading is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * `GET /api/queue/stream`: server-sent events for the kiosk, counter console and hall
 * board. Event `state` carries the whole QueueSnapshot, at connect and after every queue
 * change (changes in one event-loop turn coalesce into one snapshot), so a page that
 * reconnects is whole again at once. Public: it shows what the hall boards show.
 */
export function queueStreamRoutes(app: FastifyInstance, deps: { queue: QueueService; bus: EventBus; clock: Clock; log: Logger }): void {
  const clients = new Set<ServerResponse>();
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
      deps.log.warn('a queue stream client stopped reading; dropping it (it reconnects by itself)');
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
  }, KEEPALIVE_MS);

  app.addHook('onClose', async () => {
    deps.bus.off('queue.changed', onChange);
    cancelKeepalive();
    for (const client of clients) client.end();
    clients.clear();
  });

  app.get('/api/queue/stream', (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // Reconnect after 2 s when the hub restarts (EventSource's default is 3 s).
    res.write(`retry: 2000\nid: ${snapshotId}\nevent: state\ndata: ${JSON.stringify(deps.queue.snapshot())}\n\n`);
    clients.add(res);
    request.raw.on('close', () => clients.delete(res));
  });
}
