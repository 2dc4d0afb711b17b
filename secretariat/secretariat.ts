import { SIGNATURE_WINDOW_MS } from '../protocol/sync/index.ts';
import type { FastifyInstance } from 'fastify';
import { Admission } from './http/admission.ts';
import { buildSecretariatApp, type HealthReport } from './http/app.ts';
import { SecretariatMetrics } from './http/metrics.ts';
import { ReplayCache } from './http/replay-cache.ts';
import { DEFAULT_TIMEZONE } from './local-day.ts';
import { describeDatabase, type Logger } from './logger.ts';
import { listenWithFallback } from './net/listen.ts';
import { CentreDirectory } from './noc/centre-directory.ts';
import { openSecretariatStore } from './store/open-store.ts';
import type { SecretariatStore } from './store/store.ts';
import { CentreQueue } from './sync/centre-queue.ts';
import { SECRETARIAT_VERSION } from './version.ts';

export interface SecretariatOptions {
  dataDir: string;
  /** Postgres URL; without it, SQLite under dataDir. Never read from the environment. */
  databaseUrl?: string;
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
  #teardown: Array<{ what: string; run: () => void | Promise<void> }> = [];
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

    const store: SecretariatStore = await openSecretariatStore({ dataDir: options.dataDir, ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }) });
    this.#onStop('store', () => store.close());

    const timeZone = options.timezone ?? DEFAULT_TIMEZONE;
    const admission = new Admission({ maxConcurrent: options.maxConcurrentBatches ?? 4, clock });
    const centres = new CentreDirectory({ store, clock, timeZone, silenceAfterS: options.silenceAfterS ?? 180 });
    const metrics = new SecretariatMetrics({ admission, centres: () => centres.list() });
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
        rateLimitedTotal: admission.rateLimitedTotal,
        version: SECRETARIAT_VERSION,
      };
    };

    const app: FastifyInstance = buildSecretariatApp({
      store,
      clock,
      log: log.child({ part: 'http' }),
      replay: new ReplayCache({ windowMs: SIGNATURE_WINDOW_MS }),
      admission,
      queue: new CentreQueue(),
      metrics,
      timeZone,
      centres,
      nocToken: options.nocToken,
      health,
    });
    // Registered before listening: close() also undoes a half-finished ready().
    this.#onStop('http', () => app.close());
    await app.ready();
    this.#httpPort = await listenWithFallback(app.server, { what: 'HTTP', host: options.host, port: options.port, explicit: options.explicitPort, flag: '--http-port' }, log);

    log.info(
      {
        httpPort: this.#httpPort,
        host: options.host,
        store: storeKind,
        ...(options.databaseUrl === undefined ? { dataDir: options.dataDir } : { database: describeDatabase(options.databaseUrl) }),
        maxConcurrentBatches: admission.maxConcurrent,
        nocTokenRequired: options.nocToken !== undefined,
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
    const steps = this.#teardown.reverse();
    this.#teardown = [];
    for (const step of steps) {
      try {
        await step.run();
      } catch (error) {
        this.#log.error({ err: error, part: step.what }, 'error while stopping');
      }
    }
  }

  #onStop(what: string, run: () => void | Promise<void>): void {
    this.#teardown.push({ what, run });
  }
}
