import { runCommandLine } from '../../runtime/command-line.ts';
import { SecretariatError, type SecretariatErrorCode } from '../errors.ts';
import { StoreError, type StoreErrorCode } from '../store/store.ts';
import { SECRETARIAT_VERSION } from '../version.ts';
import { centreCommand } from './commands/centre.ts';
import { keyCommand } from './commands/key.ts';
import type { CliIo } from '../../runtime/cli.ts';

/** Exit codes, after sysexits.h where one fits, so scripts and supervisors can branch. */
export const EXIT_CODES: Record<'ok' | 'failure' | SecretariatErrorCode | StoreErrorCode, number> = {
  ok: 0,
  failure: 1,
  usage: 64,
  id_invalid: 65,
  centre_exists: 65,
  centre_unknown: 65,
  store_unavailable: 69,
  port_in_use: 75,
  secret_file: 66,
  secrets_key: 78,
};

export const HELP = `huduma-secretariat ${SECRETARIAT_VERSION}: the Secretariat's sync receiver and NOC

  huduma-secretariat start [--data-dir DIR] [--http-port N] [--host ADDR]
                           [--database-url URL | --database-url-file PATH] [--secrets-key-file PATH]
                           [--noc-token TOKEN | --noc-token-file PATH] [--trust-proxy ADDRS]
                           [--max-concurrent-batches N] [--max-in-flight-per-centre N]
                           [--max-unverified-bodies N] [--max-unverified-per-address N] [--max-unverified-mib N]
                           [--upload-idle-timeout-s S] [--upload-min-bytes-per-s N] [--upload-rate-window-s S]
                           [--max-connections N] [--log-level LEVEL]
  huduma-secretariat centre add CENTRE_ID [--data-dir DIR | --database-url URL | --database-url-file PATH] [--secrets-key-file PATH]
  huduma-secretariat centre rotate CENTRE_ID [same store flags]
  huduma-secretariat centre list [same store flags]
  huduma-secretariat key create PATH
  huduma-secretariat key replace-lost [same store flags]
  huduma-secretariat help | version

SQLite under the data dir (default ./data/secretariat) unless a database URL names a
Postgres database (postgres://USER:PASSWORD@HOST:PORT/DB). Secrets stay out of ps: the
database URL and the NOC token are also read, in this order, from --database-url-file /
--noc-token-file, from HUDUMA_DATABASE_URL / HUDUMA_NOC_TOKEN, and from the systemd
credentials database-url / noc-token. Centre secrets are sealed with a key kept outside
the database: DATA_DIR/secretariat.key for SQLite (made on first use; back it up), and
for Postgres the key file every receiver is given (--secrets-key-file, or
HUDUMA_SECRETARIAT_KEY_FILE, or the systemd credential secrets-key). See docs/security.md.
HTTP listens on 0.0.0.0:8090 by default (a taken default port is replaced by a free one;
--http-port 0 = any free port). The NOC page is at /noc, its data at /api/centres.
Commands that print JSON print only JSON on stdout; logs go to stderr.
`;

/** Runs one CLI invocation; returns the exit code. Errors are explained on stderr. */
export function runCli(argv: string[], io: CliIo): Promise<number> {
  return runCommandLine(argv, io, {
    name: 'huduma-secretariat',
    version: SECRETARIAT_VERSION,
    help: HELP,
    exitCodes: EXIT_CODES,
    isExpected: (error): error is SecretariatError | StoreError => error instanceof SecretariatError || error instanceof StoreError,
    scrub: withoutPasswords,
    commands: {
      // Loaded on demand: fastify and prom-client are not needed by `centre add`.
      start: async (args, cliIo) => (await import('./commands/start.ts')).startCommand(args, cliIo),
      centre: centreCommand,
      key: keyCommand,
    },
  });
}

/** A driver error may quote the database URL: never print its password. */
function withoutPasswords(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/\s@]*:)[^@\s]*@/gi, '$1[redacted]@');
}
