import { SecretariatError } from '../../errors.ts';
import type { IntakeLimits } from '../../http/intake-limits.ts';
import { createLogger, LOG_LEVELS } from '../../logger.ts';
import { Secretariat } from '../../secretariat.ts';
import { noPositionals, parseCommandArgs, portFlag, positiveIntFlag, secondsFlag, type CliIo } from '../../../runtime/cli.ts';
import { NOC_TOKEN, resolveSecret } from '../secret-source.ts';
import { chooseStore, STORE_FLAGS } from '../store-access.ts';

export const START_USAGE =
  'huduma-secretariat start [--data-dir DIR] [--http-port N] [--host ADDR] [--database-url URL | --database-url-file PATH] [--secrets-key-file PATH] ' +
  '[--noc-token TOKEN | --noc-token-file PATH] [--trust-proxy ADDR,…] [--max-concurrent-batches N] [--max-in-flight-per-centre N] ' +
  '[--max-unverified-bodies N] [--max-unverified-per-address N] [--max-unverified-mib N] [--upload-idle-timeout-s S] ' +
  '[--upload-min-bytes-per-s N] [--upload-rate-window-s S] [--max-connections N] [--log-level LEVEL]';

export const DEFAULT_HTTP_PORT = 8090;

const FLAGS = {
  ...STORE_FLAGS,
  'http-port': { type: 'string' },
  host: { type: 'string' },
  'noc-token': { type: 'string' },
  'noc-token-file': { type: 'string' },
  'trust-proxy': { type: 'string' },
  'max-concurrent-batches': { type: 'string' },
  'max-in-flight-per-centre': { type: 'string' },
  'max-unverified-bodies': { type: 'string' },
  'max-unverified-per-address': { type: 'string' },
  'max-unverified-mib': { type: 'string' },
  'upload-idle-timeout-s': { type: 'string' },
  'upload-min-bytes-per-s': { type: 'string' },
  'upload-rate-window-s': { type: 'string' },
  'max-connections': { type: 'string' },
  'log-level': { type: 'string' },
} as const;

/** `start`: runs the receiver and NOC until SIGINT/SIGTERM. */
export async function startCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, FLAGS, START_USAGE);
  noPositionals(positionals, START_USAGE);
  const level = values['log-level'] ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new SecretariatError('usage', `--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  const port = portFlag('--http-port', values['http-port']);
  const maxConcurrentBatches = positiveIntFlag('--max-concurrent-batches', values['max-concurrent-batches'], 1000);
  const intake = intakeFlags(values);
  const log = createLogger({ level });

  // Secrets: flag, file, environment or systemd credential (cli/secret-source.ts); only where each came from is logged.
  const store = chooseStore(values, io.env, START_USAGE, { dataDirWithUrl: true });
  const noc = resolveSecret(NOC_TOKEN, { value: values['noc-token'], file: values['noc-token-file'] }, io.env);
  if (noc !== undefined && !/^\S{8,256}$/.test(noc.value)) throw new SecretariatError('usage', `the NOC token (from ${noc.source}) must be 8–256 characters without spaces`);
  for (const warning of [...store.warnings, ...(noc?.warnings ?? [])]) log.warn(warning);
  const secretSources: Record<string, string> = {
    ...(store.databaseUrlSource ? { databaseUrlFrom: store.databaseUrlSource } : {}),
    ...(noc ? { nocTokenFrom: noc.source } : {}),
  };

  const secretariat = new Secretariat({
    dataDir: store.dataDir,
    ...(store.databaseUrl === undefined ? {} : { databaseUrl: store.databaseUrl }),
    ...(store.secretsKeyFile === undefined ? {} : { secretsKeyFile: store.secretsKeyFile }),
    secretSources,
    host: values.host ?? '0.0.0.0',
    port: port ?? DEFAULT_HTTP_PORT,
    explicitPort: port !== undefined,
    log,
    ...(noc === undefined ? {} : { nocToken: noc.value }),
    ...(maxConcurrentBatches === undefined ? {} : { maxConcurrentBatches }),
    intake,
    ...(values['trust-proxy'] ? { trustProxy: values['trust-proxy'].split(',').map((entry) => entry.trim()).filter(Boolean) } : {}),
    pid: io.pid,
  });
  try {
    await secretariat.start();
  } catch (error) {
    log.flush();
    throw error;
  }
  const signal = await io.shutdownRequested;
  log.info({ signal }, 'stopping');
  await secretariat.stop();
  log.info('stopped');
  log.flush();
  return 0;
}

/** The intake limits given on the command line; the rest keep their defaults (http/intake-limits.ts). */
function intakeFlags(values: Partial<Record<keyof typeof FLAGS, string>>): Partial<IntakeLimits> {
  const entries: Array<[keyof IntakeLimits, number | undefined]> = [
    ['maxInFlightPerCentre', positiveIntFlag('--max-in-flight-per-centre', values['max-in-flight-per-centre'], 1000)],
    ['maxUnverifiedBodies', positiveIntFlag('--max-unverified-bodies', values['max-unverified-bodies'], 100_000)],
    ['maxUnverifiedPerAddress', positiveIntFlag('--max-unverified-per-address', values['max-unverified-per-address'], 100_000)],
    ['maxUnverifiedBytes', mib(positiveIntFlag('--max-unverified-mib', values['max-unverified-mib'], 65_536))],
    ['uploadIdleTimeoutMs', secondsFlag('--upload-idle-timeout-s', values['upload-idle-timeout-s'], 0.1, 3600)],
    ['uploadMinBytesPerS', positiveIntFlag('--upload-min-bytes-per-s', values['upload-min-bytes-per-s'], 1024 * 1024 * 1024)],
    ['uploadRateWindowMs', secondsFlag('--upload-rate-window-s', values['upload-rate-window-s'], 0.1, 3600)],
    ['maxConnections', positiveIntFlag('--max-connections', values['max-connections'], 1_000_000)],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

function mib(value: number | undefined): number | undefined {
  return value === undefined ? undefined : value * 1024 * 1024;
}
