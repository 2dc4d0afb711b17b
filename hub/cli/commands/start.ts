import { resolveSecret, SecretSourceError } from '../../../runtime/secret-sources.ts';
import { HubError } from '../../errors.ts';
import { loadHubConfig } from '../../config/load.ts';
import { Hub } from '../../hub.ts';
import { createLogger } from '../../logger.ts';
import { noPositionals, parseCommandArgs, portFlag, type CliIo } from '../../../runtime/cli.ts';

export const START_USAGE =
  'huduma-hub start [--config FILE] [--data-dir DIR] [--mqtt-port N] [--http-port N] [--host ADDR] [--centre ID] ' +
  '[--printer PATH|emulator] [--secretariat-url URL] [--secretariat-secret-file FILE] [--log-level LEVEL] ' +
  '[--tls] [--mqtts-port N] [--https-port N]\n' +
  '  the Secretariat secret: --secretariat-secret-file FILE, $HUDUMA_SECRETARIAT_SECRET, or systemd LoadCredential=secretariat-secret\n' +
  '  (--secretariat-secret SECRET works too, but shows it in ps)';

/** Where `start` finds the Secretariat secret besides the config file (docs/security.md, "Secrets"). */
const SECRETARIAT_SECRET = { what: 'the Secretariat secret', flag: '--secretariat-secret', fileFlag: '--secretariat-secret-file', env: 'HUDUMA_SECRETARIAT_SECRET', credential: 'secretariat-secret' };

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
      'secretariat-secret-file': { type: 'string' },
      'log-level': { type: 'string' },
      tls: { type: 'boolean' },
      'mqtts-port': { type: 'string' },
      'https-port': { type: 'string' },
    },
    START_USAGE,
  );
  noPositionals(positionals, START_USAGE);
  const secret = readSecretariatSecret(values['secretariat-secret'], values['secretariat-secret-file'], io.env);
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
      secretariatSecret: secret?.value,
      logLevel: values['log-level'],
      tls: values.tls,
      mqttsPort: portFlag('--mqtts-port', values['mqtts-port']),
      httpsPort: portFlag('--https-port', values['https-port']),
    },
  });
  const log = createLogger({ level: loaded.config.logLevel });
  log.info({ source: loaded.source, ...(secret && { secretariatSecretFrom: secret.source }) }, 'config loaded');
  for (const warning of secret?.warnings ?? []) log.warn(warning);
  const hub = new Hub({ config: loaded.config, explicitPorts: loaded.explicitPorts, log, pid: io.pid });
  await hub.start();
  const signal = await io.shutdownRequested;
  log.info({ signal }, 'stopping');
  await hub.stop();
  log.info('stopped');
  log.flush();
  return 0;
}

function readSecretariatSecret(value: string | undefined, file: string | undefined, env: CliIo['env']) {
  try {
    return resolveSecret(SECRETARIAT_SECRET, { value, file }, env);
  } catch (error) {
    if (error instanceof SecretSourceError) throw new HubError(error.code === 'secret_ambiguous' ? 'usage' : 'secret_unreadable', error.message);
    throw error;
  }
}
