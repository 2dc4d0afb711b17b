import type { Database } from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../../runtime/clock.ts';
import type { AccessTokens } from '../../auth/access-tokens.ts';
import { DeviceQueries } from '../../devices/device-queries.ts';
import type { PresenceTracker } from '../../devices/presence.ts';
import type { EventBus, HubEvents } from '../../event-bus.ts';
import { bearerToken, requireRole } from '../auth.ts';
import type { HttpRefusals } from '../limits/refusals.ts';
import { SseClients, sseFrame } from '../sse-clients.ts';
import { listDevices } from './device-listing.ts';

export interface TechnicianStreamDeps {
  db: Database;
  tokens: AccessTokens;
  presence: PresenceTracker;
  bus: EventBus;
  clock: Clock;
  refusals: HttpRefusals;
  limits: { streamsPerAddress: number; streamsTotal: number };
}

/**
 * `GET /api/technician/stream` (technician or manager; the token in `Authorization`,
 * so the page reads it with fetch, not EventSource): server-sent events for the
 * technician page. `devices` carries the whole device list (as `GET /api/devices`) at
 * connect and after presence, telemetry or a press changed it (coalesced per event-loop
 * turn); `press` each stored press as it lands, so the selftest view lights the button
 * that was pressed. The stream ends when the session does.
 */
export function technicianStreamRoutes(app: FastifyInstance, deps: TechnicianStreamDeps): { open(): number } {
  const clients = new SseClients({ name: 'technician streams', clock: deps.clock, refusals: deps.refusals, limits: deps.limits });
  const devices = new DeviceQueries(deps.db);
  const snapshot = () => sseFrame('devices', { devices: listDevices(devices, deps) });
  let pending = false;

  const flush = () => {
    pending = false;
    if (clients.size > 0) clients.broadcast(snapshot());
  };
  const changed = () => {
    if (pending) return;
    pending = true;
    setImmediate(flush);
  };
  const onPress = ({ press }: HubEvents['press.stored'][0]) => {
    if (clients.size === 0) return;
    clients.broadcast(sseFrame('press', { deviceId: press.deviceId, counterId: press.counterId, rating: press.rating, misuse: press.misuse, pressedAt: press.pressedAt }));
    changed();
  };
  deps.bus.on('device.presence', changed);
  deps.bus.on('device.telemetry', changed);
  deps.bus.on('press.stored', onPress);

  app.addHook('onClose', async () => {
    deps.bus.off('device.presence', changed);
    deps.bus.off('device.telemetry', changed);
    deps.bus.off('press.stored', onPress);
    clients.close();
  });

  app.get('/api/technician/stream', { onRequest: requireRole(deps.tokens, 'technician', 'manager') }, (request, reply) => {
    const token = bearerToken(request)!;
    clients.accept(request, reply, snapshot(), () => deps.tokens.verify(token) !== null);
  });

  return { open: () => clients.open };
}
