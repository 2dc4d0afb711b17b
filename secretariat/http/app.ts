import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { SYNC_PATHS } from '../../protocol/sync/index.ts';
import type { CentreDirectory } from '../noc/centre-directory.ts';
import { centreRoutes } from './centre-routes.ts';
import { MAX_HEADER_BYTES, requestTimeoutMs } from './intake-limits.ts';
import type { SecretariatMetrics } from './metrics.ts';
import { nocTokenGuard } from './noc-token.ts';
import { nocRoutes } from './noc-routes.ts';
import { syncRoutes, type SyncRouteDeps } from './sync-routes.ts';

export interface HealthReport {
  status: 'ok' | 'store_unavailable';
  pid: number;
  httpPort: number;
  store: 'sqlite' | 'postgres';
  centres: number | null;
  inFlight: number;
  inFlightMax: number;
  maxConcurrentBatches: number;
  /** Every 429 answered (admission, per address, per centre): what hubs count as rate limited. */
  rateLimitedTotal: number;
  /** Unverified uploads and refusals (docs/security.md, "Secretariat"). */
  intake: Record<string, unknown>;
  version: string;
}

export interface AppDeps extends SyncRouteDeps {
  centres: CentreDirectory;
  nocToken: string | undefined;
  metrics: SecretariatMetrics;
  health: () => Promise<HealthReport>;
  /** fastify trustProxy: the reverse proxies whose X-Forwarded-For names the client (per-address limits). */
  trustProxy: string[] | undefined;
}

/**
 * Builds the Secretariat's HTTP app without listening (Secretariat.start listens). The
 * server's own limits (docs/security.md, "Secretariat"): header size and time,
 * keep-alive, a whole-request backstop long enough for the slowest accepted upload, a
 * connection cap. Only the sync routes take a body; any other request that comes with
 * one is refused before it is read.
 */
export function buildSecretariatApp(deps: AppDeps): FastifyInstance {
  const limits = deps.gate.limits;
  // Per-request info logs would drown the log in NOC polls and hub syncs; refusals
  // are logged at debug (or throttled at warn), failures at error.
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    http: { maxHeaderSize: MAX_HEADER_BYTES, connectionsCheckingInterval: 5_000 },
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: requestTimeoutMs(limits),
    ...(deps.trustProxy && deps.trustProxy.length > 0 ? { trustProxy: deps.trustProxy } : {}),
  });
  app.server.headersTimeout = limits.headersTimeoutMs;
  app.server.maxConnections = limits.maxConnections;

  app.setErrorHandler((error, request, reply) => {
    const { statusCode: status, message } = error as { statusCode?: number; message?: string };
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.status(status).send({ error: { code: 'bad_request', message: message ?? 'bad request' } });
    }
    request.log.error({ err: error, url: request.url }, 'request failed');
    // 5xx bodies never show internals.
    return reply.status(500).send({ error: { code: 'internal', message: 'internal error; see the Secretariat log' } });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.slice(0, 200)}` } });
  });
  app.addHook('onRequest', async (request, reply) => {
    const url = request.routeOptions.url;
    if (url === SYNC_PATHS.batches || url === SYNC_PATHS.heartbeat || !hasBody(request.headers)) return;
    // Closing, not reading: nothing here takes a body, and reading one is what a slow sender wants.
    return reply.status(413).header('connection', 'close').send({ error: { code: 'body_not_accepted', message: `${request.method} ${request.url.slice(0, 200)} takes no request body` } });
  });

  app.get('/health', async (_request, reply) => {
    const report = await deps.health();
    return reply.status(report.status === 'ok' ? 200 : 503).send(report);
  });
  // The same guard as /api/centres: per-centre gauges and refusal counts are NOC data.
  app.get('/metrics', { preHandler: nocTokenGuard(deps.nocToken) }, async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
  centreRoutes(app, { centres: deps.centres, nocToken: deps.nocToken, clock: deps.clock });
  nocRoutes(app);
  // Its own plugin: the body handling and sync error format stay inside the sync API.
  void app.register(syncRoutes, deps);
  return app;
}

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length !== '0';
}
