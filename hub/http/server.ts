import type { Database } from 'better-sqlite3';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AccessTokens } from '../auth/access-tokens.ts';
import type { OfficerSessions } from '../auth/officer-sessions.ts';
import type { DeviceCommands } from '../devices/device-commands.ts';
import type { PresenceTracker } from '../devices/presence.ts';
import type { HealthSnapshot } from '../health.ts';
import type { Logger } from '../logger.ts';
import { listenWithFallback } from '../net/listen.ts';
import { registerErrorHandlers } from './error-handler.ts';
import { ConnectionGuard } from './limits/connection-guard.ts';
import { registerJsonBodyParser } from './limits/json-body.ts';
import { LoginThrottle } from './limits/login-throttle.ts';
import { HttpRefusals } from './limits/refusals.ts';
import { createMetricsRegistry } from './metrics.ts';
import { deviceRoutes } from './routes/devices.ts';
import { feedbackRoutes } from './routes/feedback.ts';
import { officerLoginRoutes } from './routes/officer-login.ts';
import { pageRoutes } from './routes/pages.ts';
import { counterApiRoutes } from './routes/counter-api.ts';
import { queueApiRoutes } from './routes/queue-api.ts';
import { queueStreamRoutes } from './routes/queue-stream.ts';
import { printerRoutes } from './routes/printer.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import type { Clock } from '../clock.ts';
import type { HubConfig } from '../config/schema.ts';
import type { EventBus } from '../event-bus.ts';
import type { QueuePart } from '../queue/queue-part.ts';

export interface HttpDeps {
  log: Logger;
  db: Database;
  tokens: AccessTokens;
  sessions: OfficerSessions;
  presence: PresenceTracker;
  commands: DeviceCommands;
  health: () => HealthSnapshot;
  config: HubConfig;
  clock: Clock;
  bus: EventBus;
  queue: QueuePart;
}

/** What /health and /metrics show of the HTTP side (docs/security.md). */
export interface HttpStats {
  connections: number;
  streams: number;
  refusedTotal: number;
  refusedByReason: Record<string, number>;
  /** Officer PIN checks that ran the hash since start. */
  pinHashes: number;
}

export interface HttpApp {
  app: FastifyInstance;
  stats(): HttpStats;
}

/**
 * Builds the app without listening (the hub listens). Every limit of the HTTP side is
 * set here from config http.limits / http.login (docs/security.md, "Hub HTTP API"):
 * node's header, request, keep-alive and idle time-outs; connections per address and in
 * all; a body limit on every route (checked after the token, which onRequest checks
 * before any body is read); JSON nesting; security headers on every answer.
 */
export function buildHttpApp(deps: HttpDeps): HttpApp {
  const { limits } = deps.config.http;
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    // Per-request info logs would drown the log in /health polls; errors are logged by error-handler.ts.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: limits.bodyBytes,
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // Node checks header and request time-outs on this interval (default 30 s, which would let a slow client hold on 3x longer).
    http: { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: 1000 },
  });
  const refusals = new HttpRefusals({ clock: deps.clock, log: deps.log });
  app.addHook('onClose', async () => refusals.stop());
  const connections = new ConnectionGuard(app.server, limits, refusals);
  const throttle = new LoginThrottle({ maxFailures: deps.config.http.login.addressMaxFailures, windowMs: deps.config.http.login.addressWindowMs }, deps.clock);
  const metrics = createMetricsRegistry(deps.health);

  registerJsonBodyParser(app, limits.jsonMaxDepth);
  registerSecurityHeaders(app);
  registerErrorHandlers(app, { log: deps.log, refusals });

  app.get('/health', async () => deps.health());
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.contentType);
    return metrics.metrics();
  });
  feedbackRoutes(app, deps);
  deviceRoutes(app, deps);
  queueApiRoutes(app, { tokens: deps.tokens, queue: deps.queue.service, spooler: deps.queue.spooler, appointmentsBodyBytes: limits.appointmentsBodyBytes });
  counterApiRoutes(app, { config: deps.config, tokens: deps.tokens, sessions: deps.sessions, queue: deps.queue.service });
  officerLoginRoutes(app, { config: deps.config, officers: deps.queue.officers, sessions: deps.sessions, throttle, clock: deps.clock });
  const streams = queueStreamRoutes(app, { queue: deps.queue.service, bus: deps.bus, clock: deps.clock, refusals, limits });
  printerRoutes(app, { tokens: deps.tokens, printer: deps.queue.printer });
  pageRoutes(app);

  return {
    app,
    stats() {
      const refusedByReason = refusals.totals();
      return {
        connections: connections.open,
        streams: streams.open(),
        refusedTotal: Object.values(refusedByReason).reduce((sum, n) => sum + n, 0),
        refusedByReason,
        pinHashes: deps.queue.officers.hashesChecked,
      };
    },
  };
}

export class HttpServer {
  readonly #http: HttpApp;
  readonly #options: { host: string; port: number; explicitPort: boolean; log: Logger };
  #port = 0;

  constructor(http: HttpApp, options: { host: string; port: number; explicitPort: boolean; log: Logger }) {
    this.#http = http;
    this.#options = options;
  }

  async start(): Promise<number> {
    await this.#http.app.ready();
    const { host, port, explicitPort, log } = this.#options;
    this.#port = await listenWithFallback(this.#http.app.server, { what: 'HTTP', host, port, explicit: explicitPort, flag: '--http-port' }, log);
    return this.#port;
  }

  get port(): number {
    return this.#port;
  }

  stats(): HttpStats {
    return this.#http.stats();
  }

  async stop(): Promise<void> {
    await this.#http.app.close();
  }
}
