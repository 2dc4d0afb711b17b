import type { FastifyInstance } from 'fastify';
import { isId } from '../../protocol/ids.ts';
import type { CentreDirectory } from '../noc/centre-directory.ts';
import { nocTokenGuard } from './noc-token.ts';

/**
 * `GET /api/centres` (NOC order, see noc/ranking.ts) and `GET /api/centres/:centreId`.
 * Each centre is the store's summary plus the NOC's derived fields (silentForS,
 * backlog, devices, satisfaction today, alarms); secrets are never part of it.
 */
export function centreRoutes(app: FastifyInstance, deps: { centres: CentreDirectory; nocToken: string | undefined; clock: { now(): number } }): void {
  const preHandler = nocTokenGuard(deps.nocToken);

  app.get('/api/centres', { preHandler }, async () => {
    const centres = await deps.centres.list();
    // timeZone: the NOC page shows its times in it, 24-hour, not in the browser's zone.
    return { generatedAt: new Date(deps.clock.now()).toISOString(), timeZone: deps.centres.timeZone, centres };
  });

  app.get<{ Params: { centreId: string } }>('/api/centres/:centreId', { preHandler }, async (request, reply) => {
    const { centreId } = request.params;
    const centre = isId(centreId) ? await deps.centres.get(centreId) : undefined;
    if (!centre) {
      return reply.status(404).send({ error: { code: 'centre_unknown', message: `no centre ${JSON.stringify(centreId.slice(0, 64))} is registered here (huduma-secretariat centre add ID registers one)` } });
    }
    return centre;
  });
}
