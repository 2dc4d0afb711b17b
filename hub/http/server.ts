import type { Database } from 'better-sqlite3';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AccessTokens } from '../auth/access-tokens.ts';
import type { DeviceCommands } from '../devices/device-commands.ts';
import type { PresenceTracker } from '../devices/presence.ts';
import type { HealthSnapshot } from '../health.ts';
import type { Logger } from '../logger.ts';
import { listenWithFallback } from '../net/listen.ts';
import { ApiError } from './errors.ts';
import { redirectPlaintextToHttps } from './plaintext-redirect.ts';
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
  /** With TLS and no plaintext allowed: the HTTPS port plaintext requests are sent to. */
  httpsOnly?: { httpsPort: () => number };
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

  if (deps.httpsOnly) redirectPlaintextToHttps(app, deps.httpsOnly.httpsPort);
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

export interface HttpServerOptions {
  host: string;
  port: number;
  explicitPort: boolean;
  /** HTTPS with the centre certificate (docs/security.md, "TLS"), served by the same app. */
  tls?: { port: number; explicitPort: boolean; key: string; cert: string };
  log: Logger;
}

/**
 * The app on plaintext HTTP and, with TLS, on HTTPS as well: one fastify app, two
 * listeners (the HTTPS server hands each request to the app's router).
 */
export class HttpServer {
  readonly #app: FastifyInstance;
  readonly #options: HttpServerOptions;
  #https: HttpsServer | null = null;
  #port = 0;
  #httpsPort = 0;

  constructor(app: FastifyInstance, options: HttpServerOptions) {
    this.#app = app;
    this.#options = options;
  }

  async start(): Promise<number> {
    await this.#app.ready();
    const { host, port, explicitPort, log, tls } = this.#options;
    this.#port = await listenWithFallback(this.#app.server, { what: 'HTTP', host, port, explicit: explicitPort, flag: '--http-port' }, log);
    if (tls) {
      const https = createHttpsServer({ key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' }, (request, response) => this.#app.routing(request, response));
      // The same time limits as the plaintext server (hub/http/server.ts sets them there).
      for (const key of ['headersTimeout', 'requestTimeout', 'keepAliveTimeout', 'timeout', 'maxHeadersCount'] as const) (https as unknown as Record<string, unknown>)[key] = this.#app.server[key];
      this.#https = https;
      this.#httpsPort = await listenWithFallback(https, { what: 'HTTPS', host, port: tls.port, explicit: tls.explicitPort, flag: '--https-port' }, log);
    }
    return this.#port;
  }

  get port(): number {
    return this.#port;
  }

  /** 0 without TLS. */
  get httpsPort(): number {
    return this.#httpsPort;
  }

  async stop(): Promise<void> {
    const https = this.#https;
    this.#https = null;
    if (https) {
      const closed = new Promise<void>((resolve) => https.close(() => resolve()));
      https.closeAllConnections();
      await closed;
    }
    await this.#app.close();
  }
}
