import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AlertResolveRequest, AlertsQuery } from '../../../protocol/events/alerts.ts';
import type { AlertBook } from '../../alerts/alert-book.ts';
import { actorOf, type AccessTokens, type TokenGrant } from '../../auth/access-tokens.ts';
import { requireRole } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { parseBody, parseQuery } from '../validation.ts';

type GrantedRequest = FastifyRequest & { grant?: TokenGrant };

/**
 * The manager's alerts (docs/alerts.md): `GET /api/alerts?state=active|all` and
 * `POST /api/alerts/{id}/resolve {"note"}`, for a manager or technician login.
 */
export function alertRoutes(app: FastifyInstance, deps: { tokens: AccessTokens; alerts: AlertBook }): void {
  const staff = requireRole(deps.tokens, 'manager', 'technician');

  app.get('/api/alerts', { onRequest: staff }, async (request) => {
    const { state } = parseQuery(AlertsQuery, request.query);
    return { alerts: deps.alerts.list(state) };
  });

  app.post('/api/alerts/:alertId/resolve', { onRequest: staff }, async (request) => {
    const raw = (request.params as { alertId: string }).alertId;
    const alertId = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : null;
    if (alertId === null) throw new ApiError(404, 'unknown_alert', `no alert ${JSON.stringify(raw.slice(0, 20))}: alert ids are the numbers GET /api/alerts lists`);
    const { note } = parseBody(AlertResolveRequest, request.body);
    const result = await deps.alerts.resolve(alertId, note, { actor: actorOf((request as GrantedRequest).grant!) });
    if (result.outcome === 'unknown') throw new ApiError(404, 'unknown_alert', `no alert ${alertId}: alert ids are the numbers GET /api/alerts lists`);
    if (result.outcome === 'not_active') throw new ApiError(409, 'alert_not_active', `alert ${alertId} is already ${result.state}; only an active alert can be resolved`);
    return { id: alertId, state: 'resolved', note };
  });
}
