import type { Database } from 'better-sqlite3';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AccessTokens } from '../auth/access-tokens.ts';
import type { OfficerSessions } from '../auth/officer-sessions.ts';
import type { DeviceCommands } from '../devices/device-commands.ts';
import type { PresenceTracker } from '../devices/presence.ts';
import type { HealthSnapshot } from '../health.ts';
import type { Logger } from '../logger.ts';
import { listenWithFallback } from '../../runtime/listen.ts';
import type { PortMemory } from '../../runtime/port-memory.ts';
import { registerErrorHandlers } from './error-handler.ts';
import { ConnectionGuard } from './limits/connection-guard.ts';
import { registerJsonBodyParser } from './limits/json-body.ts';
import { LoginThrottle } from './limits/login-throttle.ts';
import { HttpRefusals } from './limits/refusals.ts';
import { redirectPlaintextToHttps } from './plaintext-redirect.ts';
import { createMetricsRegistry } from './metrics.ts';
import { deviceRoutes } from './routes/devices.ts';
import { feedbackRoutes } from './routes/feedback.ts';
import { officerLoginRoutes } from './routes/officer-login.ts';
import { staffLoginRoutes } from './routes/staff-login.ts';
import { alertRoutes } from './routes/alerts.ts';
import { auditRoutes } from './routes/audit.ts';
import { pageRoutes } from './routes/pages.ts';
import { LandingBoard, landingRoutes } from './routes/landing.ts';
import { counterApiRoutes } from './routes/counter-api.ts';
import { queueApiRoutes } from './routes/queue-api.ts';
import { queueStreamRoutes } from './routes/queue-stream.ts';
import { technicianStreamRoutes } from './routes/technician-stream.ts';
import { printerRoutes } from './routes/printer.ts';
import { boardApiRoutes, type BoardApiDeps } from './routes/board-api.ts';
import { configApiRoutes } from './routes/config-api.ts';
import { reportRoutes } from './routes/reports.ts';
import { DailyReports } from '../reports/daily-reports.ts';
import { deviceAdminRoutes } from './routes/device-admin.ts';
import type { ConfigApplier } from '../config/config-applier.ts';
import type { LiveConfig } from '../config/live-config.ts';
import type { DeviceStore } from '../devices/device-store.ts';
import { pairingRoutes } from './routes/pairing.ts';
import { qrCodeRoutes } from './routes/qr-code.ts';
import type { PairingCodes } from '../devices/pairing-codes.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { HubConfig } from '../config/schema.ts';
import type { EventBus } from '../event-bus.ts';
import type { PrinterEmulator } from '../peripherals/emulated-ticket-printer.ts';
import type { TicketPrinter } from '../queue/ports.ts';
import type { QueuePart } from '../queue/queue-part.ts';
import type { Strings } from '../../protocol/wording/overrides.ts';
import type { HubPart } from '../part.ts';
import type { AlertBook } from '../alerts/alert-book.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { StaffAccounts } from '../auth/staff-accounts.ts';

export interface HttpDeps {
  log: Logger;
  db: Database;
  tokens: AccessTokens;
  sessions: OfficerSessions;
  staff: StaffAccounts;
  /** Every staff action is recorded here (docs/security.md, "Audit trail"). */
  audit: AuditLog;
  /** Alerts and poor-rating follow-ups (docs/alerts.md). */
  alerts: AlertBook;
  /** Codes technicians open to pair a new feedback device. */
  pairingCodes: PairingCodes;
  presence: PresenceTracker;
  commands: DeviceCommands;
  health: () => HealthSnapshot;
  /** The config the hub started with: limits, ports, timezone (read once). */
  config: HubConfig;
  /** The running centre (services, counters, queue rules change live: docs/live-config.md) and the way to change it. */
  live: LiveConfig;
  applier: ConfigApplier;
  /** Provisioning as the CLI does it, applied at once. */
  devices: { store: DeviceStore; refresh(): void };
  /** Hall boards and counter displays: status and a test pattern. */
  boards: BoardApiDeps['boards'];
  clock: Clock;
  bus: EventBus;
  queue: QueuePart;
  /** The ticket printer's adapter and, with the built-in emulator, its controls. */
  printer: { adapter: Pick<TicketPrinter, 'kind' | 'state' | 'check' | 'printTestPage'>; emulator: PrinterEmulator | null };
  /** The centre's wording: the pages' and the kiosk's answers. */
  strings: Strings;
  /** With TLS and no plaintext allowed: the HTTPS port plaintext requests are sent to. */
  httpsOnly?: { httpsPort: () => number };
  /** The start page's hints (the demo's tokens and PIN); none in production. */
  landing?: LandingBoard;
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
  /** Puts another listener of the same app (HTTPS) under the same connection caps and time-outs. */
  guard(server: import('node:net').Server): void;
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
  const connections = new ConnectionGuard(limits, refusals);
  connections.watch(app.server);
  const throttle = new LoginThrottle({ maxFailures: deps.config.http.login.addressMaxFailures, windowMs: deps.config.http.login.addressWindowMs }, deps.clock);
  const metrics = createMetricsRegistry(deps.health);

  registerJsonBodyParser(app, limits.jsonMaxDepth);
  registerSecurityHeaders(app);
  registerErrorHandlers(app, { log: deps.log, refusals });

  if (deps.httpsOnly) redirectPlaintextToHttps(app, deps.httpsOnly.httpsPort);
  app.get('/health', async () => deps.health());
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.contentType);
    return metrics.metrics();
  });
  feedbackRoutes(app, deps);
  deviceRoutes(app, deps);
  queueApiRoutes(app, { tokens: deps.tokens, queue: deps.queue.service, issue: deps.queue.issue, strings: deps.strings, appointmentsBodyBytes: limits.appointmentsBodyBytes });
  counterApiRoutes(app, { live: deps.live, tokens: deps.tokens, sessions: deps.sessions, queue: deps.queue.service, audit: deps.audit });
  officerLoginRoutes(app, { config: deps.config, live: deps.live, officers: deps.queue.officers, sessions: deps.sessions, throttle, clock: deps.clock });
  staffLoginRoutes(app, { config: deps.config, tokens: deps.tokens, staff: deps.staff, audit: deps.audit, throttle, clock: deps.clock });
  auditRoutes(app, deps);
  alertRoutes(app, deps);
  pairingRoutes(app, deps);
  qrCodeRoutes(app, deps);
  const streams = queueStreamRoutes(app, { queue: deps.queue.service, bus: deps.bus, clock: deps.clock, refusals, limits });
  const technicianStreams = technicianStreamRoutes(app, { db: deps.db, tokens: deps.tokens, presence: deps.presence, bus: deps.bus, clock: deps.clock, refusals, limits });
  printerRoutes(app, { tokens: deps.tokens, audit: deps.audit, printer: deps.printer.adapter, emulator: deps.printer.emulator });
  deviceAdminRoutes(app, { tokens: deps.tokens, audit: deps.audit, devices: deps.devices.store, refreshDevices: () => deps.devices.refresh(), counterIds: () => deps.live.counterIds() });
  boardApiRoutes(app, { tokens: deps.tokens, audit: deps.audit, boards: deps.boards });
  configApiRoutes(app, { tokens: deps.tokens, audit: deps.audit, live: deps.live, applier: deps.applier, bodyLimit: limits.appointmentsBodyBytes });
  reportRoutes(app, { tokens: deps.tokens, reports: new DailyReports({ db: deps.db, live: deps.live, clock: deps.clock }), centreName: () => deps.live.current.centre.name.en });
  pageRoutes(app, { strings: deps.strings });
  landingRoutes(app, { centreName: deps.config.centre.name.en, board: deps.landing ?? new LandingBoard() });

  return {
    app,
    guard: (server) => connections.watch(server),
    stats() {
      const refusedByReason = refusals.totals();
      return {
        connections: connections.open,
        streams: streams.open() + technicianStreams.open(),
        refusedTotal: Object.values(refusedByReason).reduce((sum, n) => sum + n, 0),
        refusedByReason,
        pinHashes: deps.queue.officers.hashesChecked,
      };
    },
  };
}

export interface HttpServerOptions {
  host: string;
  port: number;
  explicitPort: boolean;
  /** HTTPS with the centre certificate (docs/security.md, "TLS"), served by the same app. */
  tls?: { port: number; explicitPort: boolean; key: string; cert: string };
  log: Logger;
  /** Keeps a fallback port across restarts (runtime/port-memory.ts). */
  portMemory?: PortMemory;
}

/**
 * The app on plaintext HTTP and, with TLS, on HTTPS as well: one fastify app, two
 * listeners (the HTTPS server hands each request to the app's router).
 */
export class HttpServer implements HubPart {
  readonly #http: HttpApp;
  readonly #options: HttpServerOptions;
  #https: HttpsServer | null = null;
  #port = 0;
  #httpsPort = 0;

  constructor(http: HttpApp, options: HttpServerOptions) {
    this.#http = http;
    this.#options = options;
  }

  async start(): Promise<void> {
    const { app } = this.#http;
    await app.ready();
    const { host, port, explicitPort, log, tls, portMemory: memory } = this.#options;
    this.#port = await listenWithFallback(app.server, { what: 'HTTP', host, port, explicit: explicitPort, flag: '--http-port', memory }, log);
    if (tls) {
      const https = createHttpsServer({ key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' }, (request, response) => app.routing(request, response));
      // The same time limits and connection caps as the plaintext listener (buildHttpApp).
      for (const key of ['headersTimeout', 'requestTimeout', 'keepAliveTimeout', 'timeout', 'maxHeadersCount'] as const) (https as unknown as Record<string, unknown>)[key] = app.server[key];
      this.#http.guard(https);
      this.#https = https;
      this.#httpsPort = await listenWithFallback(https, { what: 'HTTPS', host, port: tls.port, explicit: tls.explicitPort, flag: '--https-port', memory }, log);
    }
  }

  get port(): number {
    return this.#port;
  }

  /** 0 without TLS. */
  get httpsPort(): number {
    return this.#httpsPort;
  }

  stats(): HttpStats {
    return this.#http.stats();
  }

  async stop(): Promise<void> {
    const https = this.#https;
    this.#https = null;
    if (https) {
      const closed = new Promise<void>((resolve) => https.close(() => resolve()));
      https.closeAllConnections();
      await closed;
    }
    await this.#http.app.close();
  }
}
