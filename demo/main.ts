// `npm start` / `huduma-hub demo`: the demo centre's process entry (flags, signals, stdout).
import { resolve } from 'node:path';
import { parseCommandArgs, portFlag, positiveIntFlag, UsageError } from '../runtime/cli.ts';
import { systemClock } from '../runtime/clock.ts';
import { createLogger } from '../hub/logger.ts';
import { ActivitySummary } from './activity-summary.ts';
import { demoBanner, demoLandingHints } from './banner.ts';
import { startDemoCentre } from './demo-centre.ts';

const USAGE_LINE = `huduma-hub demo [--data-dir DIR] [--mqtt-port N] [--http-port N] [--secretariat-port N] [--host ADDR]
                [--devices N] [--press-every-ms MS] [--verbose]`;
const HELP = `${USAGE_LINE}

  The demo centre: the hub on the built-in sample centre, simulated feedback devices and
  a local Secretariat. Ports default to 1883 (MQTT), 8080 (HTTP) and 8090 (Secretariat);
  a default that is taken is replaced by a free port, which the same --data-dir keeps at
  every later start. --data-dir defaults to data/demo (the hub's data is under DIR/hub).
  Quiet by default: a summary line a minute; --verbose prints every press and sign change.
  With npm: npm start -- --mqtt-port 1884
`;

const RATING_WORDS: Record<number, string> = { 4: 'excellent / bora sana', 3: 'good / nzuri', 2: 'fair / wastani', 1: 'poor / mbaya' };

const flags = (() => {
  try {
    const { values, positionals } = parseCommandArgs(
      process.argv.slice(3),
      {
        'data-dir': { type: 'string', default: 'data/demo' },
        host: { type: 'string', default: '127.0.0.1' },
        'mqtt-port': { type: 'string' },
        'http-port': { type: 'string' },
        'secretariat-port': { type: 'string' },
        devices: { type: 'string', default: '4' },
        'press-every-ms': { type: 'string', default: '8000' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      USAGE_LINE,
    );
    if (values.help) {
      process.stdout.write(HELP);
      process.exit(0);
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n\nusage: ${USAGE_LINE}`);
    return {
      dataDir: resolve(values['data-dir']),
      host: values.host,
      mqttPort: portFlag('--mqtt-port', values['mqtt-port']),
      httpPort: portFlag('--http-port', values['http-port']),
      secretariatPort: portFlag('--secretariat-port', values['secretariat-port']),
      devices: positiveIntFlag('--devices', values.devices, 10)!,
      pressEveryMs: positiveIntFlag('--press-every-ms', values['press-every-ms'], 3_600_000)!,
      verbose: values.verbose,
    };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`huduma-hub demo: ${error.message}\n`);
    process.exit(64);
  }
})();

const log = createLogger({ level: 'warn' });
const demo = await startDemoCentre({
  dataDir: flags.dataDir,
  host: flags.host,
  mqttPort: flags.mqttPort,
  httpPort: flags.httpPort,
  secretariatPort: flags.secretariatPort,
  devices: flags.devices,
  meanPressIntervalMs: flags.pressEveryMs,
  log,
  pid: process.pid,
}).catch((error: Error & { code?: string }) => {
  const advice =
    error.code === 'data_dir_locked'
      ? `\n  Another demo is running on ${flags.dataDir}; its banner has the URLs. Stop it with Ctrl-C, or run a second one on its own data dir: npm start -- --data-dir data/demo2`
      : '';
  process.stderr.write(`huduma-hub demo: could not start: ${error.message}${advice}\n`);
  process.exit(error.code === 'data_dir_locked' || error.code === 'port_in_use' ? 75 : 1);
});

demo.showLandingHints(demoLandingHints(demo, flags.host));
process.stdout.write(`${demoBanner(demo, flags)}\n`);

const localTime = new Intl.DateTimeFormat('en-GB', { timeZone: demo.timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const summary = new ActivitySummary({ clock: systemClock, timeZone: demo.timeZone, write: (line) => process.stdout.write(`${line}\n`) });
demo.signs?.onChange((line) => {
  if (flags.verbose) process.stdout.write(`${localTime.format(Date.now())}  ${line}\n`);
  else summary.record({ kind: 'sign' });
});
demo.hub.bus.on('press.stored', ({ eventSeq, press }) => {
  if (!flags.verbose) return summary.record({ kind: 'press', rating: press.rating, misuse: press.misuse });
  const flag = press.misuse ? '  (repeat inside lock-out: kept, flagged misuse)' : '';
  process.stdout.write(`${localTime.format(Date.parse(press.pressedAt))}  counter ${press.counterId}  ${'*'.repeat(press.rating).padEnd(4)} ${RATING_WORDS[press.rating]}  [${press.deviceId} #${press.deviceSeq}, event ${eventSeq}]${flag}\n`);
});
demo.hub.bus.on('queue.changed', ({ kind }) => {
  if (kind === 'issue' || kind === 'check_in') summary.record({ kind: 'issued' });
  else if (kind === 'call_next' || kind === 'recall') summary.record({ kind: 'called' });
});
if (!flags.verbose) summary.start();

let stopping = false;
const stop = async () => {
  if (stopping) process.exit(130);
  stopping = true;
  summary.stop();
  process.stdout.write('\nStopping the demo centre...\n');
  await demo.stop();
  log.flush();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
