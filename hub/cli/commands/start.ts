import { HubError } from '../../errors.ts';
import { loadHubConfig } from '../../config/load.ts';
import { Hub } from '../../hub.ts';
import { createLogger } from '../../logger.ts';
import { parseCommandArgs, portFlag } from '../args.ts';
import type { CliIo } from '../io.ts';

export const START_USAGE =
  'huduma-hub start [--config FILE] [--data-dir DIR] [--mqtt-port N] [--http-port N] [--host ADDR] [--centre ID] ' +
  '[--printer PATH|emulator] [--secretariat-url URL] [--secretariat-secret SECRET] [--log-level LEVEL]';

/** `start`: runs the hub until SIGINT/SIGTERM. Flags override the config file. */
export async function startCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      config: { type: 'string' },
      'data-dir': { type: 'string' },
      'mqtt-port': { type: 'string' },
      'http-port': { type: 'string' },
      host: { type: 'string' },
      centre: { type: 'string' },
      printer: { type: 'string' },
      'secretariat-url': { type: 'string' },
      'secretariat-secret': { type: 'string' },
      'log-level': { type: 'string' },
    },
    START_USAGE,
  );
  if (positionals.length > 0) throw new HubError('usage', `unexpected argument "${positionals[0]}"\n\nusage: ${START_USAGE}`);
  const loaded = loadHubConfig({
    ...(values.config === undefined ? {} : { configPath: values.config }),
    overrides: {
      dataDir: values['data-dir'],
      mqttPort: portFlag('--mqtt-port', values['mqtt-port']),
      httpPort: portFlag('--http-port', values['http-port']),
      mqttHost: values.host,
      httpHost: values.host,
      centreId: values.centre,
      printer: values.printer,
      secretariatUrl: values['secretariat-url'],
      secretariatSecret: values['secretariat-secret'],
      logLevel: values['log-level'],
    },
  });
  const log = createLogger({ level: loaded.config.logLevel });
  log.info({ source: loaded.source }, 'config loaded');
  const hub = new Hub({ config: loaded.config, explicitPorts: loaded.explicitPorts, log, pid: io.pid });
  await hub.start();
  const signal = await io.shutdownRequested;
  log.info({ signal }, 'stopping');
  await hub.stop();
  log.info('stopped');
  log.flush();
  return 0;
}
