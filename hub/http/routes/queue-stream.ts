import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../../runtime/clock.ts';
import type { EventBus } from '../../event-bus.ts';
import type { QueueService } from '../../queue/queue-service.ts';
import type { HttpRefusals } from '../limits/refusals.ts';
import { SseClients, sseFrame } from '../sse-clients.ts';

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
 * officer ids). Streams are capped per client address and in all (sse-clients.ts).
 */
export function queueStreamRoutes(app: FastifyInstance, deps: QueueStreamDeps): { open(): number } {
  const clients = new SseClients({ name: 'queue streams', clock: deps.clock, refusals: deps.refusals, limits: deps.limits });
  let pending = false;
  let snapshotId = 0;

  const broadcast = () => {
    pending = false;
    if (clients.size === 0) return;
    clients.broadcast(sseFrame('state', deps.queue.snapshot(), ++snapshotId));
  };
  const onChange = () => {
    if (pending) return;
    pending = true;
    setImmediate(broadcast);
  };
  deps.bus.on('queue.changed', onChange);

  app.addHook('onClose', async () => {
    deps.bus.off('queue.changed', onChange);
    clients.close();
  });

  app.get('/api/queue/stream', (request, reply) => {
    clients.accept(request, reply, sseFrame('state', deps.queue.snapshot(), snapshotId));
  });

  return { open: () => clients.open };
}
