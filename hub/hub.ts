import type { Database } from 'better-sqlite3';
import type { DeviceConfigMessage } from '../protocol/messages/config.ts';
import type { HubStatusMessage } from '../protocol/messages/hub-status.ts';
import { deviceTopic, hubStatusTopic } from '../protocol/topics.ts';
import { AccessTokens } from './auth/access-tokens.ts';
import { OfficerSessions } from './auth/officer-sessions.ts';
import { StaffAccounts } from './auth/staff-accounts.ts';
import { AlertBook } from './alerts/alert-book.ts';
import { QueueMeasures } from './alerts/queue-measures.ts';
import { StandardsMonitor } from './alerts/standards-monitor.ts';
import { AuditLog } from './audit/audit-log.ts';
import { DeviceGateway } from './broker/device-gateway.ts';
import { PairingGateway } from './broker/pairing-gateway.ts';
import { isLoopbackHost, MdnsAdvert } from './broker/mdns-advert.ts';
import { PairingCodes } from './devices/pairing-codes.ts';
import { DeviceCommands } from './devices/device-commands.ts';
import { MqttServer } from './broker/mqtt-server.ts';
import { systemClock, type Clock } from '../runtime/clock.ts';
import { TeardownStack } from '../runtime/teardown.ts';
import type { HubConfig } from './config/schema.ts';
import { DeviceRegistry, type ActiveDevice, type DeviceChange } from './devices/device-registry.ts';
import { LandingBoard, type LandingHints } from './http/routes/landing.ts';
import { portMemoryIn } from '../runtime/port-memory.ts';
import { DeviceStore, writeCentreCounters } from './devices/device-store.ts';
import { PresenceRecorder } from './devices/presence-recorder.ts';
import { PresenceTracker } from './devices/presence.ts';
import { EventBus } from './event-bus.ts';
import { healthSnapshot, type HealthSnapshot } from './health.ts';
import { buildHttpApp, HttpServer } from './http/server.ts';
import { PressIngest } from './ingest/press-ingest.ts';
import { hubWriterFeatures } from './writer-features.ts';
import { ensureHubTls, type HubTlsMaterial } from './tls/hub-tls.ts';
import { Rejections } from './ingest/rejections.ts';
import type { Logger } from './logger.ts';
import { HUB_VERSION } from './version.ts';
import { hubDatabasePath, openHubDatabase } from './store/database.ts';
import { InstanceLock } from './store/instance-lock.ts';
import { Outbox } from './store/outbox.ts';
import { StoreWriter } from './store/writer/store-writer.ts';
import { DiskBudget } from './store/disk-budget.ts';
import { SyncPart } from './sync/sync-part.ts';
import { resolveStrings } from '../protocol/wording/overrides.ts';
import { QueuePart, queueRulesOf } from './queue/queue-part.ts';
import type { QueueSeam } from './queue-seam.ts';
import { DisplaysPart } from './peripherals/displays-part.ts';
import { createTicketPrinter } from './peripherals/printer-factory.ts';
import { TicketJobs } from './peripherals/ticket-jobs.ts';
import { LiveConfig, withPersistedLiveSections } from './config/live-config.ts';
import { wireLiveConfig } from './live-config-wiring.ts';


export interface HubOptions {
  config: HubConfig;
  /** Ports someone chose; a chosen port that is taken is an error (see listenWithFallback). */
  explicitPorts?: { mqtt: boolean; http: boolean; mqtts?: boolean; https?: boolean };
  log: Logger;
  clock?: Clock;
  /** The process id for /health and the lock owner; main.ts passes process.pid. */
  pid: number;
  /** Jitter source for sync backoff (tests pass a seeded one). */
  random?: () => number;
}

/**
 * What an embedding process (the demo, the benches, tests) may do with a running hub,
 * handed over by `start()`: provisioning and tokens as the CLI makes them on the data
 * dir, and a nudge to sync. The CLI's own start command needs none of it.
 */
export interface HubAdmin {
  devices: DeviceStore;
  tokens: AccessTokens;
  /** Applies device changes made through `devices` now instead of at the next poll. */
  refreshDevices(): void;
  sync: { kick(): void; pruneNow(): Promise<void> };
  /** The queue's narrow seam (queue-seam.ts): its use cases, officer PINs, the built-in printer's controls. */
  queue: QueueSeam;
  /** Hints on the start page at `/` (the demo's tokens and PIN); a hub in production shows links only. */
  showLandingHints(hints: LandingHints): void;
}

export interface RunningHub {
  ports: HubPorts;
  admin: HubAdmin;
}

export interface HubPorts {
  /** 0 when only MQTT over TLS is served. */
  mqtt: number;
  http: number;
  /** With TLS. */
  mqtts?: number;
  https?: number;
}

/**
 * The composition root: the only place that constructs the hub's parts and wires
 * them together. The constructor only assigns; `start()` builds and starts in order,
 * registering each part's teardown, and `stop()` runs the teardowns in reverse, so a
 * start that fails half-way leaves nothing running.
 */
export class Hub {
  readonly bus = new EventBus();
  readonly #options: HubOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #teardown = new TeardownStack();
  #parts: Parts | null = null;
  #startedAt = 0;
  /** The running centre: the file's, with the last live change (docs/live-config.md). */
  #live: LiveConfig | null = null;

  constructor(options: HubOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.log;
    this.bus.useLogger(options.log.child({ part: 'bus' }));
  }

  async start(): Promise<RunningHub> {
    try {
      return await this.#start();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async #start(): Promise<RunningHub> {
    const log = this.#log;
    const persisted = withPersistedLiveSections(this.#options.config);
    if (persisted.path) log.warn({ file: persisted.path }, "services, counters and queue rules come from the last live config change, not the config file (docs/live-config.md)");
    const config = persisted.config;
    const live = new LiveConfig(config);
    this.#live = live;
    const clock = this.#clock;
    this.#startedAt = clock.now();

    const lock = InstanceLock.acquire(config.dataDir, { pid: this.#options.pid });
    this.#onStop('instance lock', () => lock.release());

    const db = openHubDatabase(config.dataDir, { role: 'hub' });
    this.#onStop('database', () => {
      db.close();
    });
    writeCentreCounters(db, config.counters);

    // Every ingest write goes through the writer thread. This thread reads, and makes
    // only rare admin writes (counters at start, tokens, provisioning from the demo).
    const writer = new StoreWriter({ dataDir: config.dataDir, log, clock, features: hubWriterFeatures({ queueRules: queueRulesOf(config) }) });
    await writer.start();
    this.#onStop('store writer', () => writer.stop());
    const outbox = new Outbox(db);
    const disk = new DiskBudget({ settings: config.store.disk, dataDir: config.dataDir, dbPath: hubDatabasePath(config.dataDir), clock, log: log.child({ part: 'disk' }) });
    disk.start();
    this.#onStop('disk budget', () => disk.stop());
    const rejections = new Rejections({ writer, clock, bus: this.bus, log: log.child({ part: 'rejections' }) });
    this.#onStop('refusal log', () => rejections.stop());

    const deviceStore = new DeviceStore(db, clock);
    const registry = new DeviceRegistry({ db, store: deviceStore, clock, log: log.child({ part: 'devices' }) });
    const recorder = new PresenceRecorder({ writer, clock, bus: this.bus, log: log.child({ part: 'presence' }) });
    // Registered after the writer, so it runs before the writer stops.
    this.#onStop('presence recorder', () => recorder.flush());
    const presence = new PresenceTracker({ recorder, clock, bus: this.bus, log: log.child({ part: 'presence' }) });
    await presence.reconcileAfterRestart(db);

    const ingest = new PressIngest({
      writer,
      rejections,
      clock,
      bus: this.bus,
      log: log.child({ part: 'ingest' }),
      settings: {
        maxPressBytes: config.feedback.maxPressBytes,
        pressBudgetPerMinute: config.feedback.pressBudgetPerMinute,
        unanchoredPressBurst: config.feedback.unanchoredPressBurst,
        unanchoredPressesPerMinute: config.feedback.unanchoredPressesPerMinute,
        // Read at each press: a counter's lock-out changes with a live config.
        lockoutMsFor: (counterId) => live.current.counters.find((c) => c.id === counterId)?.lockoutMs ?? config.feedback.lockoutMs,
        refusal: () => disk.refusal(),
      },
    });
    const audit = new AuditLog({ db, writer, clock, log: log.child({ part: 'audit' }) });
    // Listening before the broker starts, so no stored press goes unseen.
    const alerts = new AlertBook({ db, writer, clock, bus: this.bus, audit, log: log.child({ part: 'alerts' }) });
    alerts.start();
    this.#onStop('alerts', () => alerts.stop());
    const pairingCodes = new PairingCodes(clock, config.pairing);
    let broker: MqttServer | null = null;
    const pairing = new PairingGateway({
      centreId: config.centre.id,
      codes: pairingCodes,
      devices: deviceStore,
      // The running counters: a counter added by a live config change can be paired at once.
      counters: () => live.counterIds(),
      refreshDevices: () => registry.refresh(),
      audit,
      publish: (topic, payload) => (broker ? broker.publish(topic, payload, { qos: 1, retain: false }) : Promise.reject(new Error('broker not started'))),
      rejections,
      clock,
      log: log.child({ part: 'pairing' }),
    });
    const gateway = new DeviceGateway({ centreId: config.centre.id, registry, presence, ingest, rejections, bus: this.bus, log: log.child({ part: 'gateway' }), pairing });

    // Devices are known before the first connection can arrive. Changes before the
    // broker is up need no action: every device's config is (re)published below.
    registry.on('change', (change) => {
      if (this.#parts) this.#applyDeviceChange(change);
    });
    registry.start();
    this.#onStop('device registry', () => registry.stop());

    const tls = config.tls.enabled ? this.#centreCertificate() : null;
    // A taken default port falls back to the same free port at every start of this data dir.
    const portMemory = portMemoryIn(config.dataDir);
    const tlsOnly = tls !== null && !config.tls.allowPlaintext;
    const mqtt = new MqttServer({
      host: config.mqtt.host,
      port: tlsOnly ? null : config.mqtt.port,
      explicitPort: this.#options.explicitPorts?.mqtt ?? true,
      portMemory,
      ...(tls && { tls: { port: config.tls.mqttPort, explicitPort: this.#options.explicitPorts?.mqtts ?? true, key: tls.key, cert: tls.cert } }),
      maxPacketBytes: config.mqtt.maxPacketBytes,
      maxConnections: config.mqtt.maxConnections,
      maxConnectionsPerAddress: config.mqtt.maxConnectionsPerAddress,
      hooks: gateway.hooks(),
      log: log.child({ part: 'mqtt' }),
      onPacketTooLarge: (remote, remainingLength) => rejections.count('packet_too_large', { remote, remainingLength, limit: config.mqtt.maxPacketBytes }),
      onConnectionLimit: (remote, limit) => rejections.count('connection_limit', { remote, limit }),
      onBadPublishTopic: (clientId, reason) => rejections.count('bad_topic', { deviceId: clientId, detail: reason }),
      onClientDisconnect: (client) => presence.disconnected(client.id, client),
    });
    await mqtt.start();
    broker = mqtt;
    const mqttPort = mqtt.port;
    this.#onStop('mqtt', async () => {
      await this.#publishHubStatus(mqtt, 'offline').catch(() => undefined);
      await mqtt.stop();
    });

    const sync = new SyncPart({
      config,
      db,
      writer,
      disk,
      devices: () => ({ online: presence.onlineCount, total: registry.size }),
      clock,
      log: log.child({ part: 'sync' }),
      ...(this.#options.random ? { random: this.#options.random } : {}),
    });
    // The queue reaches the hall's hardware through its ports (hub/queue/ports.ts): the
    // adapters are made and started here, before the queue, and stop after it.
    const strings = resolveStrings(config.strings);
    const displays = new DisplaysPart({ config, clock, writer, log: log.child({ part: 'displays' }) });
    this.#onStop('displays', () => displays.stop());
    displays.start();
    const ticketJobs = new TicketJobs(config, strings);
    const ticketPrinter = createTicketPrinter(config.printer, ticketJobs, clock, log.child({ part: 'printer' }));
    this.#onStop('ticket printer', () => ticketPrinter.printer.stop());
    await ticketPrinter.printer.start();
    const queue = new QueuePart({ config, db, writer, clock, bus: this.bus, log: log.child({ part: 'queue' }), printer: ticketPrinter.printer, signs: displays.callSigns });
    this.#onStop('queue', () => queue.stop());
    queue.start();
    // Standards are read from the running config at each check, so a live change applies at the next one.
    const measures = new QueueMeasures(db, clock, config.centre.timezone);
    const standards = new StandardsMonitor({
      measure: () => measures.now(live.current.services.map((service) => service.id)),
      rules: () => live.current.standards,
      sink: alerts,
      clock,
      bus: this.bus,
      intervalMs: config.standards.checkIntervalMs,
      log: log.child({ part: 'standards' }),
    });
    standards.start();
    this.#onStop('standards', () => standards.stop());
    const queueSeam: QueueSeam = { issue: queue.issue, commands: queue.service, officers: queue.officers, printerEmulator: ticketPrinter.emulator };
    const parts: Parts = { db, writer, outbox, registry, presence, mqtt, tokens: new AccessTokens(db, clock), deviceStore, http: null, sync, disk, queue, queueSeam, displays, tls };
    this.#parts = parts;

    await this.#publishHubStatus(mqtt, 'online');
    // aedes keeps retained messages in memory only: every device's config is
    // republished at each start (wire contract v1).
    await Promise.all(registry.all().map((device) => this.#publishDeviceConfig(device)));

    const commands = new DeviceCommands({
      centreId: config.centre.id,
      publish: (topic, payload) => mqtt.publish(topic, payload, { qos: 1, retain: false }),
      isConnected: (deviceId) => presence.isConnected(deviceId),
      bus: this.bus,
      clock,
    });
    const sessions = new OfficerSessions({ db, clock, tokens: parts.tokens });
    const landing = new LandingBoard();
    const httpsOnly = tlsOnly ? { httpsPort: () => parts.http?.httpsPort ?? 0 } : undefined;
    const { staffMaxFailures, staffWindowMs, staffLockoutMs } = config.http.login;
    const staff = new StaffAccounts(db, clock, { maxFailures: staffMaxFailures, windowMs: staffWindowMs, lockoutMs: staffLockoutMs });
    const applier = wireLiveConfig({ live, db, writer, registry, queue, displays, ticketJobs, republishDeviceConfigs: () => Promise.all(registry.all().map((device) => this.#publishDeviceConfig(device))), log: log.child({ part: 'config' }) });
    const devices = { store: deviceStore, refresh: () => registry.refresh() };
    const http = new HttpServer(buildHttpApp({ log: log.child({ part: 'http' }), db, tokens: parts.tokens, sessions, staff, audit, alerts, pairingCodes, presence, commands, health: () => this.health(), config, live, applier, devices, boards: displays, clock, bus: this.bus, queue, printer: { adapter: ticketPrinter.printer, emulator: ticketPrinter.emulator }, strings, landing, ...(httpsOnly && { httpsOnly }) }), {
      host: config.http.host,
      port: config.http.port,
      explicitPort: this.#options.explicitPorts?.http ?? true,
      ...(tls && { tls: { port: config.tls.httpsPort, explicitPort: this.#options.explicitPorts?.https ?? true, key: tls.key, cert: tls.cert } }),
      log,
      portMemory,
    });
    parts.http = http;
    await http.start();
    const httpPort = http.port;
    this.#onStop('http', () => http.stop());

    // A broker on loopback only is out of the LAN's reach: nothing to announce.
    if (config.mqtt.advertise && !isLoopbackHost(config.mqtt.host)) {
      const advert = new MdnsAdvert({ centreId: config.centre.id, mqttPort, mqttsPort: mqtt.tlsPort, httpPort, pid: this.#options.pid }, log.child({ part: 'mdns' }));
      advert.start();
      this.#onStop('mdns', () => advert.stop());
    }

    // Sync starts last and stops first (before the writer it records acks through).
    const wake = () => sync.notify();
    this.bus.on('press.stored', wake);
    this.bus.on('device.presenceStored', wake);
    this.bus.on('queue.changed', wake);
    sync.start();
    this.#onStop('sync', async () => {
      this.bus.off('press.stored', wake);
      this.bus.off('device.presenceStored', wake);
      this.bus.off('queue.changed', wake);
      await sync.stop();
    });
    lock.describe({ pid: this.#options.pid, httpPort, mqttPort });
    const tlsPorts = tls ? { mqttsPort: mqtt.tlsPort, httpsPort: http.httpsPort, caSha256: tls.summary.caSha256 } : {};
    log.info({ centreId: config.centre.id, mqttPort, httpPort, ...tlsPorts, dataDir: config.dataDir, devices: registry.size, version: HUB_VERSION }, 'hub ready');
    return {
      ports: { mqtt: mqttPort, http: httpPort, ...(tls && { mqtts: mqtt.tlsPort, https: http.httpsPort }) },
      admin: {
        devices: parts.deviceStore,
        tokens: parts.tokens,
        refreshDevices: () => registry.refresh(),
        sync: { kick: () => sync.kick(), pruneNow: () => sync.pruneNow() },
        queue: parts.queueSeam,
        showLandingHints: (hints) => landing.set(hints),
      },
    };
  }

  /** Stops everything that started, newest first. Safe to call more than once. */
  async stop(): Promise<void> {
    await this.#teardown.run(this.#log);
    this.#parts = null;
  }

  health(): HealthSnapshot {
    const parts = this.#requireParts();
    const config = this.#options.config;
    return healthSnapshot({
      pid: this.#options.pid,
      version: HUB_VERSION,
      centreId: config.centre.id,
      startedAt: this.#startedAt,
      clock: this.#clock,
      db: parts.db,
      dataDir: config.dataDir,
      databasePath: hubDatabasePath(config.dataDir),
      outbox: parts.outbox,
      writerStats: parts.writer.stats,
      mqtt: () => ({ port: parts.mqtt.port || null, tlsPort: parts.mqtt.tlsPort || null, connections: parts.mqtt.connections }),
      http: () => ({
        port: parts.http?.port ?? 0,
        httpsPort: parts.http?.httpsPort || null,
        ...(parts.http?.stats() ?? { connections: 0, streams: 0, refusedTotal: 0, refusedByReason: {}, pinHashes: 0 }),
      }),
      tls: () => parts.tls && { caSha256: parts.tls.summary.caSha256, serverSpkiSha256: parts.tls.summary.serverSpkiSha256, notAfter: parts.tls.summary.notAfter },
      devices: () => ({ total: parts.registry.size, online: parts.presence.onlineCount, connected: parts.presence.connectedCount }),
      sync: () => parts.sync.status(),
      disk: () => parts.disk.reading,
      storeWriterAvailable: () => parts.writer.available,
      queue: () => parts.queue.health(),
      displays: () => parts.displays.health(),
      listenerFailures: () => this.bus.listenerFailures,
    });
  }

  #applyDeviceChange(change: DeviceChange): void {
    const parts = this.#requireParts();
    switch (change.kind) {
      case 'added':
        void this.#publishDeviceConfig(change.device);
        break;
      case 'moved':
        parts.presence.moved(change.device.deviceId, change.device.counterId);
        void this.#publishDeviceConfig(change.device);
        break;
      case 'rekeyed':
        // The old secret no longer holds: the device must connect again with the new one.
        parts.mqtt.disconnect(change.device.deviceId);
        break;
      case 'removed':
        parts.presence.revoked(change.deviceId);
        parts.mqtt.disconnect(change.deviceId);
        void parts.mqtt.publish(deviceTopic(this.#options.config.centre.id, change.deviceId, 'config'), '', { qos: 1, retain: true });
        break;
    }
  }

  #publishDeviceConfig(device: ActiveDevice): Promise<void> {
    const config = this.#live!.current;
    const counter = config.counters.find((c) => c.id === device.counterId);
    const message: DeviceConfigMessage = {
      centreId: config.centre.id,
      deviceId: device.deviceId,
      counterId: device.counterId,
      counterLabel: counter?.label ?? device.counterId,
      lockoutMs: counter?.lockoutMs ?? config.feedback.lockoutMs,
      debounceMs: config.feedback.debounceMs,
      telemetryIntervalMs: config.feedback.telemetryIntervalMs,
      issuedAt: new Date(this.#clock.now()).toISOString(),
    };
    return this.#requireParts()
      .mqtt.publish(deviceTopic(config.centre.id, device.deviceId, 'config'), JSON.stringify(message), { qos: 1, retain: true })
      .catch((error) => this.#log.error({ err: error, deviceId: device.deviceId }, 'could not publish device config'));
  }

  #publishHubStatus(mqtt: MqttServer, state: 'online' | 'offline'): Promise<void> {
    const config = this.#options.config;
    const message: HubStatusMessage = { state, centreId: config.centre.id, version: HUB_VERSION, at: new Date(this.#clock.now()).toISOString() };
    return mqtt.publish(hubStatusTopic(config.centre.id), JSON.stringify(message), { qos: 1, retain: true });
  }

  /** The centre certificate from DATA_DIR/tls, made now if `tls init` was never run. */
  #centreCertificate(): HubTlsMaterial {
    const config = this.#options.config;
    const ensured = ensureHubTls(config.dataDir, { centreId: config.centre.id, nowMs: this.#clock.now() });
    if (ensured.outcome === 'created') {
      this.#log.warn({ caFile: ensured.paths.caCert, caSha256: ensured.summary.caSha256, names: ensured.summary.names }, 'made a new centre certificate: copy the CA file to counter hosts (huduma-bridge --hub-ca) and kiosks (docs/security.md, TLS)');
    }
    return ensured;
  }

  #onStop(what: string, run: () => void | Promise<void>): void {
    this.#teardown.add(what, run);
  }

  #requireParts(): Parts {
    if (!this.#parts) throw new Error('hub is not running');
    return this.#parts;
  }
}

interface Parts {
  db: Database;
  writer: StoreWriter;
  outbox: Outbox;
  registry: DeviceRegistry;
  presence: PresenceTracker;
  mqtt: MqttServer;
  tls: HubTlsMaterial | null;
  tokens: AccessTokens;
  deviceStore: DeviceStore;
  http: HttpServer | null;
  sync: SyncPart;
  disk: DiskBudget;
  queue: QueuePart;
  queueSeam: QueueSeam;
  displays: DisplaysPart;
}
