// The broker under test, in its own process so it has a core to itself and its
// memory is its own: `bare` is aedes with no persistence and no auth (the baseline);
// `hub` is the real hub (auth, ACL, validation, durable group-committed ingest).
// Talks to bench/ingest/main.ts over the IPC channel.
import { Aedes } from 'aedes';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadHubConfig } from '../../hub/config/load.ts';
import { Hub } from '../../hub/hub.ts';
import { createLogger } from '../../hub/logger.ts';

const [mode = 'hub', devicesArg = '50'] = process.argv.slice(2);
const deviceCount = Number(devicesArg);
const send = (message: unknown) => process.send!(message);
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();

let stop: () => Promise<void>;
let commitStats: () => unknown = () => null;
let port: number;
let devices: Array<{ deviceId: string; password: string }> = [];

if (mode === 'bare') {
  const broker = await Aedes.createBroker();
  const server = createServer((socket) => broker.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  devices = Array.from({ length: deviceCount }, (_, i) => ({ deviceId: `eifd-${i + 1}`, password: 'unused' }));
  stop = async () => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    server.close();
  };
} else {
  const dataDir = mkdtempSync(join(tmpdir(), 'huduma-bench-'));
  const { config } = loadHubConfig({ overrides: { dataDir, mqttPort: 0, httpPort: 0, mqttHost: '127.0.0.1', httpHost: '127.0.0.1' } });
  // Every simulated device connects from loopback.
  config.mqtt.maxConnectionsPerAddress = config.mqtt.maxConnections;
  const hub = new Hub({ config, log: createLogger({ level: 'error' }), pid: process.pid });
  const { ports, admin } = await hub.start();
  port = ports.mqtt;
  const counters = new Set(config.counters.map((c) => c.id));
  const counterIds = [...counters];
  for (let i = 0; i < deviceCount; i++) {
    const credentials = admin.devices.add(`eifd-${i + 1}`, counterIds[i % counterIds.length]!, counters);
    devices.push({ deviceId: credentials.deviceId, password: credentials.password });
  }
  admin.refreshDevices();
  commitStats = () => hub.health().store;
  stop = async () => {
    await hub.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}

process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') {
    (globalThis as { gc?: () => void }).gc?.();
    const memory = process.memoryUsage();
    send({
      type: 'stats',
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      externalBytes: memory.external,
      arrayBuffersBytes: memory.arrayBuffers,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      store: commitStats(),
      loopDelayMs: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
    });
  } else if (message.type === 'reset') {
    loopDelay.reset();
    send({ type: 'reset' });
  } else if (message.type === 'stop') {
    void stop().finally(() => {
      send({ type: 'stopped' });
      process.exit(0);
    });
  }
});
send({ type: 'ready', port, devices });
