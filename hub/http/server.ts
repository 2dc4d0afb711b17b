import type { Database } from 'better-sqlite3';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AccessTokens } from '../auth/access-tokens.ts';
import type { DeviceCommands } from '../devices/device-commands.ts';
import type { PresenceTracker } from '../devices/presence.ts';
import type { HealthSnapshot } from '../health.ts';
import type { Logger } from '../logger.ts';
import { listenWithFallback } from '../net/listen.ts';
import { ApiError } from './errors.ts';
import { createMetricsRegistry } from './metrics.ts';
import { deviceRoutes } from './routes/devices.ts';
import { feedbackRoutes } from './routes/feedback.ts';
import { pageRoutes } from './routes/pages.ts';
import { counterApiRoutes } from './routes/counter-api.ts';
import { queueApiRoutes } from './routes/queue-api.ts';
import { queueStreamRoutes } from './routes/queue-stream.ts';
import { printerRoutes } from './routes/printer.ts';
import type { Clock } from '../clock.ts';
import type { HubConfig } from '../config/schema.ts';
import type { EventBus } from '../event-bus.ts';
import type { QueuePart } from '../queue/queue-part.ts';

export interface HttpDeps {
  log: Logger;
  db: Database;
  tokens: AccessTokens;
  presence: PresenceTracker;
  commands: DeviceCommands;
  health: () => HealthSnapshot;
  config: HubConfig;
  clock: Clock;
  bus: EventBus;
  queue: QueuePart;
}

/** Builds the app without listening (tests may `inject`; the hub listens). */
export function buildHttpApp(deps: HttpDeps): FastifyInstance {
  // Per-request info logs would drown the log in /health polls; errors are logged below.
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  const metrics = createMetricsRegistry(deps.health);

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError) {
      return reply.status(error.statusCode).send({ error: { code: error.code, message: error.message, ...(error.messages && { messages: error.messages }) } });
    }
    const { statusCode: status, message } = error as { statusCode?: number; message?: string };
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.status(status).send({ error: { code: 'bad_request', message: message ?? 'bad request' } });
    }
    request.log.error({ err: error, url: request.url }, 'request failed');
    // 5xx bodies never show internals.
    return reply.status(500).send({ error: { code: 'internal', message: 'internal error; see the hub log' } });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url}` } });
  });

  app.get('/health', async () => deps.health());
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.contentType);
    return metrics.metrics();
  });
  feedbackRoutes(app, deps);
  deviceRoutes(app, deps);
  queueApiRoutes(app, { tokens: deps.tokens, queue: deps.queue.service, spooler: deps.queue.spooler });
  counterApiRoutes(app, { config: deps.config, tokens: deps.tokens, officers: deps.queue.officers, queue: deps.queue.service, clock: deps.clock });
  queueStreamRoutes(app, { queue: deps.queue.service, bus: deps.bus, clock: deps.clock, log: deps.log });
  printerRoutes(app, { tokens: deps.tokens, printer: deps.queue.printer });
  pageRoutes(app);
  return app;
}

export class HttpServer {
  readonly #app: FastifyInstance;
  readonly #options: { host: string; port: number; explicitPort: boolean; log: Logger };
  #port = 0;

  constructor(app: FastifyInstance, options: { host: string; port: number; explicitPort: boolean; log: Logger }) {
    this.#app = app;
    this.#options = options;
  }

  async start(): Promise<number> {
    await this.#app.ready();
    const { host, port, explicitPort, log } = this.#options;
    this.#port = await listenWithFallback(this.#app.server, { what: 'HTTP', host, port, explicit: explicitPort, flag: '--http-port' }, log);
    return this.#port;
  }

  get port(): number {
    return this.#port;
  }

  async stop(): Promise<void> {
    await this.#app.close();
  }
}
