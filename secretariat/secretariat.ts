import { SIGNATURE_WINDOW_MS } from '../protocol/sync/index.ts';
import type { FastifyInstance } from 'fastify';
import { Admission } from './http/admission.ts';
import { buildSecretariatApp, type HealthReport } from './http/app.ts';
import { IntakeGate } from './http/intake-gate.ts';
import { DEFAULT_INTAKE_LIMITS, type IntakeLimits } from './http/intake-limits.ts';
import { SecretariatMetrics } from './http/metrics.ts';
import { ReplayCache } from './http/replay-cache.ts';
import { DEFAULT_TIMEZONE } from './local-day.ts';
import { describeDatabase, type Logger } from './logger.ts';
import { listenWithFallback } from '../runtime/listen.ts';
import { portMemoryIn } from '../runtime/port-memory.ts';
import { TeardownStack } from '../runtime/teardown.ts';
import { CentreDirectory } from './noc/centre-directory.ts';
import type { KeyFileChoice } from './secrets/secrets-key.ts';
import { openSecretariatStore } from './store/open-store.ts';
import { CentreQueue } from './sync/centre-queue.ts';
import { SECRETARIAT_VERSION } from './version.ts';

export interface SecretariatOptions {
  dataDir: string;
  /** Postgres URL; without it, SQLite under dataDir. The CLI resolves its forms (flag, file, env, credential). */
  databaseUrl?: string;
  /** The centre secrets key file; without it DATA_DIR/secretariat.key (SQLite only). */
  secretsKeyFile?: KeyFileChoice;
  /** Which form each secret came in ("--noc-token-file /etc/…"), for the ready line; never the values. */
  secretSources?: Record<string, string>;
  /** Limits on unverified uploads and the HTTP server (http/intake-limits.ts); unset ones take the defaults. */
  intake?: Partial<IntakeLimits>;
  /** Reverse proxies trusted to name the client in X-Forwarded-For. */
  trustProxy?: string[];
  host: string;
  port: number;
  /** True when someone chose the port: then a taken port is an error, not a fallback. */
  explicitPort: boolean;
  log: Logger;
  clock?: { now(): number };
  /** When set, the NOC API needs `Authorization: Bearer <nocToken>`. */
  nocToken?: string;
  maxConcurrentBatches?: number;
  /** No heartbeat for longer than this raises the `silent` alarm. */
  silenceAfterS?: number;
  timezone?: string;
  /** For /health; main.ts passes process.pid. */
  pid?: number;
}

/**
 * The composition root: the only place that builds the Secretariat's parts and wires
 * them. The constructor only assigns; `start()` builds in order, registering each
 * part's teardown, and `stop()` runs those in reverse, so a start that fails half-way
 * leaves nothing open.
 */
export class Secretariat {
  readonly #options: SecretariatOptions;
  readonly #clock: { now(): number };
  readonly #log: Logger;
  readonly #teardown = new TeardownStack();
  #httpPort = 0;

  constructor(options: SecretariatOptions) {
    this.#options = options;
    this.#clock = options.clock ?? { now: () => Date.now() };
    this.#log = options.log;
  }

  async start(): Promise<{ httpPort: number }> {
    try {
      return await this.#start();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async #start(): Promise<{ httpPort: number }> {
    const options = this.#options;
    const log = this.#log;
    const clock = this.#clock;
    const storeKind = options.databaseUrl === undefined ? 'sqlite' : 'postgres';

    const store = await openSecretariatStore({
      dataDir: options.dataDir,
      ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
      ...(options.secretsKeyFile === undefined ? {} : { secretsKeyFile: options.secretsKeyFile }),
    });
    this.#onStop('store', () => store.close());
    const atRest = store.secrets;
    for (const warning of atRest.warnings) log.warn(warning);
    if (atRest.keyCreated) log.info({ keyFile: atRest.keyPath, keyId: atRest.keyId }, 'created the centre secrets key; back it up with the database: without it every centre must be re-registered (docs/security.md)');
    if (atRest.sealedNow.length > 0) log.info({ centres: atRest.sealedNow }, 'sealed centre secrets that an older version kept in plaintext');
    for (const { centreId, why } of atRest.unusable) log.warn({ centreId }, `centre ${centreId} cannot sync: ${why}; give it a new secret with "huduma-secretariat centre rotate ${centreId}"`);

    const timeZone = options.timezone ?? DEFAULT_TIMEZONE;
    const admission = new Admission({ maxConcurrent: options.maxConcurrentBatches ?? 4, clock });
    const gate = new IntakeGate({ ...DEFAULT_INTAKE_LIMITS, ...options.intake }, clock);
    const centres = new CentreDirectory({ store, clock, timeZone, silenceAfterS: options.silenceAfterS ?? 180 });
    const metrics = new SecretariatMetrics({ admission, gate, centres: () => centres.list() });
    const health = async (): Promise<HealthReport> => {
      let count: number | null = null;
      try {
        count = (await centres.list()).length;
      } catch (error) {
        log.error({ err: error }, 'health: the store cannot be read');
      }
      return {
        status: count === null ? 'store_unavailable' : 'ok',
        pid: options.pid ?? 0,
        httpPort: this.#httpPort,
        store: storeKind,
        centres: count,
        inFlight: admission.inFlight,
        inFlightMax: admission.inFlightMax,
        maxConcurrentBatches: admission.maxConcurrent,
        rateLimitedTotal: admission.rateLimitedTotal + gate.rateLimitedTotal,
        intake: { ...gate.stats, limits: gate.limits },
        version: SECRETARIAT_VERSION,
      };
    };

    const app: FastifyInstance = buildSecretariatApp({
      store,
      clock,
      log: log.child({ part: 'http' }),
      replay: new ReplayCache({ windowMs: SIGNATURE_WINDOW_MS }),
      admission,
      gate,
      queue: new CentreQueue(),
      metrics,
      timeZone,
      centres,
      nocToken: options.nocToken,
      trustProxy: options.trustProxy,
      health,
    });
    // Registered before listening: close() also undoes a half-finished ready().
    this.#onStop('http', () => app.close());
    await app.ready();
    this.#httpPort = await listenWithFallback(app.server, { what: 'HTTP', host: options.host, port: options.port, explicit: options.explicitPort, flag: '--http-port', memory: options.databaseUrl === undefined ? portMemoryIn(options.dataDir) : undefined }, log);

    log.info(
      {
        httpPort: this.#httpPort,
        host: options.host,
        store: storeKind,
        ...(options.databaseUrl === undefined ? { dataDir: options.dataDir } : { database: describeDatabase(options.databaseUrl) }),
        maxConcurrentBatches: admission.maxConcurrent,
        nocTokenRequired: options.nocToken !== undefined,
        secretsKey: { file: atRest.keyPath, from: atRest.keyFrom, id: atRest.keyId },
        ...(options.secretSources ? { secretSources: options.secretSources } : {}),
        intake: gate.limits,
        version: SECRETARIAT_VERSION,
      },
      'secretariat ready',
    );
    return { httpPort: this.#httpPort };
  }

  get httpPort(): number {
    return this.#httpPort;
  }

  /** Stops everything that started, newest first. Safe to call more than once. */
  async stop(): Promise<void> {
    await this.#teardown.run(this.#log);
  }

  #onStop(what: string, run: () => void | Promise<void>): void {
    this.#teardown.add(what, run);
  }
}
