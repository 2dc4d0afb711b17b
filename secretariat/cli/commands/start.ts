import { SecretariatError } from '../../errors.ts';
import { createLogger, LOG_LEVELS } from '../../logger.ts';
import { Secretariat } from '../../secretariat.ts';
import { noPositionals, parseCommandArgs, portFlag, positiveIntFlag } from '../args.ts';
import type { CliIo } from '../io.ts';
import { DEFAULT_DATA_DIR } from '../store-access.ts';

export const START_USAGE =
  'huduma-secretariat start [--data-dir DIR] [--http-port N] [--host ADDR] [--database-url URL] [--noc-token TOKEN] [--max-concurrent-batches N] [--log-level LEVEL]';

export const DEFAULT_HTTP_PORT = 8090;

/** `start`: runs the receiver and NOC until SIGINT/SIGTERM. */
export async function startCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      'data-dir': { type: 'string' },
      'http-port': { type: 'string' },
      host: { type: 'string' },
      'database-url': { type: 'string' },
      'noc-token': { type: 'string' },
      'max-concurrent-batches': { type: 'string' },
      'log-level': { type: 'string' },
    },
    START_USAGE,
  );
  noPositionals(positionals, START_USAGE);
  const level = values['log-level'] ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new SecretariatError('usage', `--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  const port = portFlag('--http-port', values['http-port']);
  const maxConcurrentBatches = positiveIntFlag('--max-concurrent-batches', values['max-concurrent-batches'], 1000);
  const nocToken = values['noc-token'];
  if (nocToken !== undefined && !/^\S{8,256}$/.test(nocToken)) throw new SecretariatError('usage', '--noc-token must be 8–256 characters without spaces');
  const databaseUrl = values['database-url'];
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new SecretariatError('usage', '--database-url must be a Postgres URL (postgres://USER:PASSWORD@HOST:PORT/DB); leave it out for SQLite under --data-dir');
  }

  const log = createLogger({ level });
  const secretariat = new Secretariat({
    dataDir: values['data-dir'] ?? DEFAULT_DATA_DIR,
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    host: values.host ?? '0.0.0.0',
    port: port ?? DEFAULT_HTTP_PORT,
    explicitPort: port !== undefined,
    log,
    ...(nocToken === undefined ? {} : { nocToken }),
    ...(maxConcurrentBatches === undefined ? {} : { maxConcurrentBatches }),
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
