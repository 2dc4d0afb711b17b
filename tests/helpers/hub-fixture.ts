import { loadHubConfig, type ConfigOverrides } from '../../hub/config/load.ts';
import type { HubConfig } from '../../hub/config/schema.ts';
import type { IssuedCredentials } from '../../hub/devices/device-store.ts';
import { Hub, type HubAdmin, type HubPorts } from '../../hub/hub.ts';
import type { Clock } from '../../runtime/clock.ts';
import { withDeadline, WAIT_MS } from './deadline.ts';
import { capturingLogger } from './log-capture.ts';
import { tempDir } from './temp-dir.ts';

export interface HubFixture {
  hub: Hub;
  config: HubConfig;
  ports: HubPorts;
  /** What start() handed over: provisioning, tokens, a sync nudge. */
  admin: HubAdmin;
  dataDir: string;
  logs: ReturnType<typeof capturingLogger>;
  /** Provisions a device through the same store the CLI uses and applies it at once. */
  addDevice(deviceId: string, counterId?: string): IssuedCredentials;
  stop(): Promise<void>;
}

/**
 * A real hub in this process: real TCP ports (0 = any free), a real SQLite file in a
 * temp dir, the built-in sample centre unless told otherwise.
 */
export async function startHub(options: { dataDir?: string; overrides?: ConfigOverrides; clock?: Clock; configure?: (config: HubConfig) => void; beforeStart?: (hub: Hub) => void } = {}): Promise<HubFixture> {
  const dir = options.dataDir ? null : tempDir('huduma-hub-');
  const dataDir = options.dataDir ?? dir!.path;
  const { config } = loadHubConfig({
    overrides: { dataDir, mqttPort: 0, httpPort: 0, mqttHost: '127.0.0.1', httpHost: '127.0.0.1', ...options.overrides },
  });
  options.configure?.(config);
  const logs = capturingLogger();
  const hub = new Hub({ config, log: logs.log, pid: process.pid, ...(options.clock ? { clock: options.clock } : {}) });
  // E.g. subscribe to the bus before devices waiting to reconnect can get in.
  options.beforeStart?.(hub);
  const { ports, admin } = await withDeadline(hub.start(), WAIT_MS, `the in-process hub on ${dataDir} to start`);
  const validCounters = new Set(config.counters.map((c) => c.id));
  return {
    hub,
    config,
    ports,
    admin,
    dataDir,
    logs,
    addDevice(deviceId, counterId = 'c01') {
      const credentials = admin.devices.add(deviceId, counterId, validCounters);
      admin.refreshDevices();
      return credentials;
    },
    async stop() {
      await withDeadline(hub.stop(), WAIT_MS, `the in-process hub on ${dataDir} to stop`);
      dir?.remove();
    },
  };
}
