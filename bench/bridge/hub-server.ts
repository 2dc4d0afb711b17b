// The hub the bridge bench talks to: the real hub (auth, ACL, validation, durable
// group-committed ingest) in its own process, as on a centre box, so its event loop
// is not the bridge's. Talks to bench/bridge/main.ts over the IPC channel.
// Argv: DEVICES DEBOUNCE_MS. Two settings differ from the defaults, so that every
// sample is the normal case of one citizen's vote: the lock-out is 0 (each vote is a
// first vote: LED and beep, not a flagged repeat) and the per-device budget is the
// maximum (the bench presses far faster than the 30 a minute a device may store, and
// an over-budget press would be acknowledged without being stored).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHubConfig } from '../../hub/config/load.ts';
import { Hub } from '../../hub/hub.ts';
import { createLogger } from '../../hub/logger.ts';

const [devicesArg = '10', debounceArg = '45'] = process.argv.slice(2);
const send = (message: unknown) => process.send!(message);

const dataDir = mkdtempSync(join(tmpdir(), 'huduma-bench-bridge-hub-'));
const { config } = loadHubConfig({ overrides: { dataDir, mqttPort: 0, httpPort: 0, mqttHost: '127.0.0.1', httpHost: '127.0.0.1' } });
config.feedback.lockoutMs = 0;
config.feedback.pressBudgetPerMinute = 6000;
config.feedback.debounceMs = Number(debounceArg);
const hub = new Hub({ config, log: createLogger({ level: 'error' }), pid: process.pid });
const { ports, admin } = await hub.start();
const port = ports.mqtt;
const counters = new Set(config.counters.map((c) => c.id));
const counterIds = [...counters];
const devices: Array<{ deviceId: string; password: string }> = [];
for (let i = 0; i < Number(devicesArg); i++) {
  const credentials = admin.devices.add(`eifd-b${i + 1}`, counterIds[i % counterIds.length]!, counters);
  devices.push({ deviceId: credentials.deviceId, password: credentials.password });
}
admin.refreshDevices();

// Outcomes, so the bench can check that every press it timed was really stored.
const outcomes = { stored: 0, misuse: 0, rejected: 0 };
hub.bus.on('press.stored', ({ press }) => {
  outcomes.stored += 1;
  if (press.misuse) outcomes.misuse += 1;
});
hub.bus.on('ingest.rejected', () => (outcomes.rejected += 1));

process.on('message', (message: { type: string }) => {
  if (message.type === 'outcomes') {
    send({ type: 'outcomes', ...outcomes, rssBytes: process.memoryUsage().rss });
  } else if (message.type === 'stop') {
    void hub.stop().finally(() => {
      rmSync(dataDir, { recursive: true, force: true });
      send({ type: 'stopped' });
      process.exit(0);
    });
  }
});
// The parent may die without saying stop (Ctrl-C): do not outlive it.
process.on('disconnect', () => void hub.stop().finally(() => {
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}));
send({ type: 'ready', port, devices });
