import { join } from 'node:path';
import { loadHubConfig } from '../hub/config/load.ts';
import { Hub, type HubPorts } from '../hub/hub.ts';
import type { Logger } from '../hub/logger.ts';
import type { Rating } from '../protocol/messages/press.ts';
import { SimulatedEifd } from './simulated-eifd.ts';

export interface DemoOptions {
  dataDir: string;
  host: string;
  mqttPort?: number | undefined;
  httpPort?: number | undefined;
  devices: number;
  meanPressIntervalMs: number;
  log: Logger;
  pid: number;
}

export interface RunningDemo {
  hub: Hub;
  ports: HubPorts;
  centreName: string;
  technicianToken: string;
  deviceIds: string[];
  hubDataDir: string;
  stop(): Promise<void>;
}

/**
 * The demo centre: the real hub on the built-in sample centre, plus simulated
 * feedback devices (real MQTT clients) at the first counters. Default ports that are
 * taken (1883 by a local mosquitto, say) are replaced by free ones.
 */
export async function startDemoCentre(options: DemoOptions): Promise<RunningDemo> {
  const hubDataDir = join(options.dataDir, 'hub');
  const loaded = loadHubConfig({
    overrides: { dataDir: hubDataDir, mqttHost: options.host, httpHost: options.host, mqttPort: options.mqttPort, httpPort: options.httpPort },
  });
  const { config } = loaded;
  const hub = new Hub({ config, explicitPorts: loaded.explicitPorts, log: options.log, pid: options.pid });
  const ports = await hub.start();
  const devices: SimulatedEifd[] = [];
  try {
    const counters = new Set(config.counters.map((c) => c.id));
    const ratingShare = readRatingShare(config.simulatedDay);
    for (const counter of config.counters.slice(0, options.devices)) {
      const deviceId = `eifd-${counter.id}`;
      // Only digests are stored, so each run issues fresh secrets to its devices.
      const existing = hub.devices.get(deviceId);
      const credentials =
        existing && existing.revokedAt === null ? hub.devices.rekey(deviceId) : hub.devices.add(deviceId, counter.id, counters);
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
    hub.refreshDevices();
    await Promise.all(devices.map((device) => device.start()));
    const technicianToken = hub.tokens.create('technician', null, counters).token;
    return {
      hub,
      ports,
      centreName: config.centre.name.en,
      technicianToken,
      deviceIds: devices.map((d) => d.deviceId),
      hubDataDir,
      async stop() {
        await Promise.all(devices.map((device) => device.stop()));
        await hub.stop();
      },
    };
  } catch (error) {
    await Promise.all(devices.map((device) => device.stop()));
    await hub.stop();
    throw error;
  }
}

function readRatingShare(simulatedDay: Record<string, unknown> | undefined): Record<Rating, number> {
  const share = simulatedDay?.ratingShare as Record<string, number> | undefined;
  return { 4: share?.['4'] ?? 0.7, 3: share?.['3'] ?? 0.22, 2: share?.['2'] ?? 0.05, 1: share?.['1'] ?? 0.03 };
}
