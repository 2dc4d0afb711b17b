import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../logger.ts';
import type { CentreDirectory } from '../noc/centre-directory.ts';
import { centreRoutes } from './centre-routes.ts';
import type { SecretariatMetrics } from './metrics.ts';
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
  rateLimitedTotal: number;
  version: string;
}

export interface AppDeps extends SyncRouteDeps {
  centres: CentreDirectory;
  nocToken: string | undefined;
  metrics: SecretariatMetrics;
  health: () => Promise<HealthReport>;
}

/** Builds the Secretariat's HTTP app without listening (Secretariat.start listens). */
export function buildSecretariatApp(deps: AppDeps): FastifyInstance {
  // Per-request info logs would drown the log in NOC polls and hub syncs; refusals
  // are logged at debug, failures at error.
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });

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

  app.get('/health', async (_request, reply) => {
    const report = await deps.health();
    return reply.status(report.status === 'ok' ? 200 : 503).send(report);
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
  centreRoutes(app, { centres: deps.centres, nocToken: deps.nocToken, clock: deps.clock });
  nocRoutes(app);
  // Its own plugin: the raw-body parser and sync error format stay inside the sync API.
  void app.register(syncRoutes, deps);
  return app;
}
