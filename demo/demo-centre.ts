import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadHubConfig } from '../hub/config/load.ts';
import { Hub, type HubAdmin, type HubPorts } from '../hub/hub.ts';
import { InstanceLock } from '../hub/store/instance-lock.ts';
import type { Logger } from '../hub/logger.ts';
import type { Rating } from '../protocol/messages/press.ts';
import { createLogger as createSecretariatLogger } from '../secretariat/logger.ts';
import { Secretariat } from '../secretariat/secretariat.ts';
import { openSecretariatStore } from '../secretariat/store/open-store.ts';
import { SimulatedEifd } from './simulated-eifd.ts';
import { SimulatedQueue } from './simulated-queue.ts';
import { startDemoSigns, type DemoSigns } from './demo-signs.ts';

/** The Secretariat's default port; a taken default is replaced by a free one. */
export const DEFAULT_SECRETARIAT_PORT = 8090;

export interface DemoOptions {
  dataDir: string;
  host: string;
  mqttPort?: number | undefined;
  httpPort?: number | undefined;
  secretariatPort?: number | undefined;
  devices: number;
  meanPressIntervalMs: number;
  log: Logger;
  pid: number;
}

export interface RunningDemo {
  hub: Hub;
  ports: HubPorts;
  secretariatPort: number;
  centreName: string;
  /** The centre's time zone (config centre.timezone), for the console's times. */
  timeZone: string;
  technicianToken: string;
  kioskToken: string;
  /** The emulated hall board and counter display on PTYs; null without socat. */
  signs: DemoSigns | null;
  /** The demo's counter officer; a new PIN each run. */
  officer: { officerId: string; pin: string };
  deviceIds: string[];
  hubDataDir: string;
  /** Puts the demo's tokens and PIN on the hub's start page (`/`). */
  showLandingHints: HubAdmin['showLandingHints'];
  stop(): Promise<void>;
}

/**
 * The demo centre: a local Secretariat (receiver and NOC page), the real hub on the
 * built-in sample centre syncing to it, and simulated feedback devices (real MQTT
 * clients) at the first counters. Default ports that are taken (1883 by a local
 * mosquitto, say) are replaced by free ones.
 */
export async function startDemoCentre(options: DemoOptions): Promise<RunningDemo> {
  const hubDataDir = join(options.dataDir, 'hub');
  const secretariatDataDir = join(options.dataDir, 'secretariat');
  // A second demo on the same data dir stops here, before its Secretariat takes (and
  // remembers as this data dir's) a fallback port because the first one holds 8090.
  InstanceLock.acquire(hubDataDir, { pid: options.pid }).release();
  const secretariat = new Secretariat({
    dataDir: secretariatDataDir,
    host: options.host,
    port: options.secretariatPort ?? DEFAULT_SECRETARIAT_PORT,
    explicitPort: options.secretariatPort !== undefined,
    log: createSecretariatLogger({ level: options.log.level }),
    pid: options.pid,
  });
  const { httpPort: secretariatPort } = await secretariat.start();
  const loaded = loadHubConfig({
    overrides: {
      dataDir: hubDataDir,
      mqttHost: options.host,
      httpHost: options.host,
      mqttPort: options.mqttPort,
      httpPort: options.httpPort,
      secretariatUrl: `http://127.0.0.1:${secretariatPort}`,
      secretariatSecret: await demoCentreSecret(secretariatDataDir, 'demo-centre'),
    },
  });
  const { config } = loaded;
  // Demo pace: the NOC page refreshes every few seconds.
  config.secretariat.heartbeatIntervalMs = 5000;
  const signs = await startDemoSigns(config);
  const hub = new Hub({ config, explicitPorts: loaded.explicitPorts, log: options.log, pid: options.pid });
  const { ports, admin } = await hub.start().catch(async (error: unknown) => {
    await signs?.close();
    await secretariat.stop();
    throw error;
  });
  const devices: SimulatedEifd[] = [];
  try {
    const counters = new Set(config.counters.map((c) => c.id));
    const ratingShare = readRatingShare(config.simulatedDay);
    for (const counter of config.counters.slice(0, options.devices)) {
      const deviceId = `eifd-${counter.id}`;
      // Only digests are stored, so each run issues fresh secrets to its devices.
      const existing = admin.devices.get(deviceId);
      const credentials =
        existing && existing.revokedAt === null ? admin.devices.rekey(deviceId) : admin.devices.add(deviceId, counter.id, counters);
      devices.push(
        new SimulatedEifd({
          brokerUrl: `mqtt://127.0.0.1:${ports.mqtt}`,
          centreId: config.centre.id,
          deviceId,
          password: credentials.password,
          meanPressIntervalMs: options.meanPressIntervalMs,
          ratingShare,
        }),
      );
    }
    admin.refreshDevices();
    await Promise.all(devices.map((device) => device.start()));
    const technicianToken = admin.tokens.create('technician', null, counters).token;
    const kioskToken = admin.tokens.create('kiosk', null, counters).token;
    // A fresh PIN each run: only its hash is kept.
    const officer = await admin.queue.officers.add('demo-officer', 'Demo Officer', undefined, true);
    // Counters c01 and c02 are left to a person at the console; the others work by themselves.
    const simulatedQueue = new SimulatedQueue({
      queue: admin.queue,
      config,
      counterIds: config.counters.map((c) => c.id).filter((id) => id !== 'c01' && id !== 'c02'),
      meanArrivalMs: options.meanPressIntervalMs / 2,
      log: options.log.child({ part: 'demo-queue' }),
    });
    simulatedQueue.start();
    return {
      hub,
      ports,
      secretariatPort,
      centreName: config.centre.name.en,
      timeZone: config.centre.timezone,
      technicianToken,
      kioskToken,
      signs,
      officer: { officerId: officer.officerId, pin: officer.pin },
      deviceIds: devices.map((d) => d.deviceId),
      hubDataDir,
      showLandingHints: (hints) => admin.showLandingHints(hints),
      async stop() {
        simulatedQueue.stop();
        await Promise.all(devices.map((device) => device.stop()));
        await hub.stop();
        await signs?.close();
        await secretariat.stop();
      },
    };
  } catch (error) {
    await Promise.all(devices.map((device) => device.stop()));
    await hub.stop();
    await signs?.close();
    await secretariat.stop();
    throw error;
  }
}

/** The demo centre's signing secret at the local Secretariat: registered on the first run, kept after. */
async function demoCentreSecret(secretariatDataDir: string, centreId: string): Promise<string> {
  const store = await openSecretariatStore({ dataDir: secretariatDataDir });
  try {
    const known = await store.centreSecret(centreId);
    if (known) return known;
    const secret = randomBytes(32).toString('base64url');
    await store.addCentre(centreId, secret, Date.now());
    return secret;
  } finally {
    await store.close();
  }
}

function readRatingShare(simulatedDay: Record<string, unknown> | undefined): Record<Rating, number> {
  const share = simulatedDay?.ratingShare as Record<string, number> | undefined;
  return { 4: share?.['4'] ?? 0.7, 3: share?.['3'] ?? 0.22, 2: share?.['2'] ?? 0.05, 1: share?.['1'] ?? 0.03 };
}
