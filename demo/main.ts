// `npm start` / `huduma-hub demo`: the demo centre's process entry (signals, stdout).
import { parseArgs } from 'node:util';
import { DEFAULT_HTTP_PORT, DEFAULT_MQTT_PORT } from '../hub/config/schema.ts';
import { createLogger } from '../hub/logger.ts';
import { DEFAULT_SECRETARIAT_PORT, startDemoCentre } from './demo-centre.ts';

const RATING_WORDS: Record<number, string> = { 4: 'excellent / bora sana', 3: 'good / nzuri', 2: 'fair / wastani', 1: 'poor / mbaya' };

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    'data-dir': { type: 'string', default: 'data/demo' },
    host: { type: 'string', default: '127.0.0.1' },
    'mqtt-port': { type: 'string' },
    'http-port': { type: 'string' },
    'secretariat-port': { type: 'string' },
    devices: { type: 'string', default: '4' },
    'press-every-ms': { type: 'string', default: '8000' },
    quiet: { type: 'boolean', default: false },
  },
});

const port = (value: string | undefined) => (value === undefined ? undefined : Number(value));
const log = createLogger({ level: 'warn' });
const demo = await startDemoCentre({
  dataDir: values['data-dir'],
  host: values.host,
  mqttPort: port(values['mqtt-port']),
  httpPort: port(values['http-port']),
  secretariatPort: port(values['secretariat-port']),
  devices: Number(values.devices),
  meanPressIntervalMs: Number(values['press-every-ms']),
  log,
  pid: process.pid,
}).catch((error: Error) => {
  process.stderr.write(`demo: could not start: ${error.message}\n`);
  process.exit(1);
});

const http = `http://${values.host}:${demo.ports.http}`;
const notices: string[] = [];
if (values['mqtt-port'] === undefined && demo.ports.mqtt !== DEFAULT_MQTT_PORT) {
  notices.push(`  Note: MQTT port ${DEFAULT_MQTT_PORT} is taken on this machine (another broker?); the demo uses ${demo.ports.mqtt}.`);
}
if (values['http-port'] === undefined && demo.ports.http !== DEFAULT_HTTP_PORT) {
  notices.push(`  Note: HTTP port ${DEFAULT_HTTP_PORT} is taken on this machine; the demo uses ${demo.ports.http}.`);
}
if (values['secretariat-port'] === undefined && demo.secretariatPort !== DEFAULT_SECRETARIAT_PORT) {
  notices.push(`  Note: port ${DEFAULT_SECRETARIAT_PORT} is taken on this machine; the local Secretariat uses ${demo.secretariatPort}.`);
}
const secretariat = `http://${values.host}:${demo.secretariatPort}`;
const bearer = `-H "Authorization: Bearer ${demo.technicianToken}"`;
process.stdout.write(
  [
    '',
    `Huduma Hub demo: ${demo.centreName} is running.`,
    '',
    `  Kiosk         ${http}/kiosk#token=${demo.kioskToken}`,
    `  Counter       ${http}/counter   (officer ${demo.officer.officerId}, PIN ${demo.officer.pin}, any counter)`,
    `  Hall board    ${http}/board`,
    ...(demo.signs ? demo.signs.describe().map((line) => `  Emulated      ${line}`) : ['  (install socat to also run an emulated LED hall board and counter display)']),
    `  Printer       curl ${bearer} ${http}/api/printer   (the built-in printer emulator's last tickets)`,
    '',
    `  Health        ${http}/health`,
    `  Metrics       ${http}/metrics`,
    `  Presses       curl ${bearer} '${http}/api/feedback/recent?limit=10'`,
    `  Devices       curl ${bearer} ${http}/api/devices`,
    `  MQTT broker   mqtt://${values.host}:${demo.ports.mqtt}  (${demo.deviceIds.join(', ')} pressing now and then)`,
    '',
    `  NOC page      ${secretariat}/noc   (the local Secretariat this hub syncs to)`,
    `  Centres API   ${secretariat}/api/centres`,
    `  Sync status   npx huduma-hub sync status --data-dir ${demo.hubDataDir}`,
    ...(notices.length > 0 ? ['', ...notices] : []),
    '',
    `  Add a device  npx huduma-hub device add eifd-c09 --counter c09 --data-dir ${demo.hubDataDir}`,
    '',
    'Each stored press is printed below. Ctrl-C stops the demo.',
    '',
  ].join('\n') + '\n',
);

if (!values.quiet) {
  demo.signs?.onChange((line) => process.stdout.write(`${new Date().toLocaleTimeString('en-GB', { timeZone: 'Africa/Nairobi' })}  ${line}\n`));
  demo.hub.bus.on('press.stored', ({ eventSeq, press }) => {
    const time = new Date(press.pressedAt).toLocaleTimeString('en-GB', { timeZone: 'Africa/Nairobi' });
    const flag = press.misuse ? '  (repeat inside lock-out: kept, flagged misuse)' : '';
    process.stdout.write(`${time}  counter ${press.counterId}  ${'*'.repeat(press.rating).padEnd(4)} ${RATING_WORDS[press.rating]}  [${press.deviceId} #${press.deviceSeq}, event ${eventSeq}]${flag}\n`);
  });
}

let stopping = false;
const stop = async () => {
  if (stopping) process.exit(130);
  stopping = true;
  process.stdout.write('\nStopping the demo centre...\n');
  await demo.stop();
  log.flush();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
