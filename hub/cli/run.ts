import { PortInUseError } from '../../runtime/listen.ts';
import { isHubError, type HubErrorCode } from '../errors.ts';
import { HUB_VERSION } from '../version.ts';
import { deviceCommand } from './commands/device.ts';
import { officerCommand } from './commands/officer.ts';
import { tlsCommand } from './commands/tls.ts';
import { tokenCommand } from './commands/token.ts';
import { UsageError, type CliIo } from '../../runtime/cli.ts';

/** Exit codes, after sysexits.h where one fits, so scripts and supervisors can branch. */
export const EXIT_CODES: Record<'ok' | 'failure' | HubErrorCode, number> = {
  ok: 0,
  failure: 1,
  usage: 64,
  id_invalid: 65,
  device_exists: 65,
  device_unknown: 65,
  counter_unknown: 65,
  officer_exists: 65,
  officer_unknown: 65,
  config_invalid: 78,
  config_unreadable: 66,
  secret_unreadable: 66,
  tls_missing: 66,
  data_dir_locked: 75,
  port_in_use: 75,
  store_migration_failed: 70,
  disk_budget_exhausted: 73,
  hub_not_running: 69,
  sync_not_configured: 78,
  sync_timeout: 75,
};

const HELP = `huduma-hub ${HUB_VERSION}: the Huduma Centre hub

  huduma-hub start [--config FILE] [--data-dir DIR] [--mqtt-port N] [--http-port N] [--host ADDR] [--centre ID]
                   [--printer PATH|emulator] [--secretariat-url URL] [--secretariat-secret-file FILE] [--log-level LEVEL]
                   [--tls] [--mqtts-port N] [--https-port N]
                   (the secret also from $HUDUMA_SECRETARIAT_SECRET or systemd LoadCredential=secretariat-secret)
  huduma-hub device add DEVICE_ID --counter COUNTER_ID [--data-dir DIR]
  huduma-hub device move DEVICE_ID --counter COUNTER_ID [--data-dir DIR]
  huduma-hub device revoke DEVICE_ID [--data-dir DIR]
  huduma-hub device rekey DEVICE_ID [--data-dir DIR]
  huduma-hub device list [--data-dir DIR]
  huduma-hub token create --role kiosk|officer|technician|manager [--counter ID] [--ttl 12h|30d|90m] [--data-dir DIR]
  huduma-hub token list [--all] [--data-dir DIR]
  huduma-hub token revoke ID|TOKEN [--data-dir DIR]
  huduma-hub officer add OFFICER_ID --name NAME [--pin DIGITS] [--force] [--data-dir DIR]
  huduma-hub officer unlock OFFICER_ID [--data-dir DIR]
  huduma-hub officer list [--data-dir DIR]
  huduma-hub tls init [--name HOST_OR_IP]... [--renew] [--data-dir DIR]   the centre CA and certificate (docs/security.md)
  huduma-hub tls show [--data-dir DIR]
  huduma-hub sync status [--data-dir DIR]
  huduma-hub sync drain [--data-dir DIR] [--timeout SECONDS]
  huduma-hub demo

Without --config the built-in sample centre is used (centre demo-centre, counters c01-c10).
The data dir defaults to ./data/hub. Commands that print JSON print only JSON on stdout.
`;

/** Runs one CLI invocation; returns the exit code. Errors are explained on stderr. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start': {
        // Loaded on demand: the broker and HTTP stacks are not needed by `device add`.
        const { startCommand } = await import('./commands/start.ts');
        return await startCommand(rest, io);
      }
      case 'device':
        return deviceCommand(rest, io);
      case 'token':
        return tokenCommand(rest, io);
      case 'officer':
        return await officerCommand(rest, io);
      case 'tls':
        return tlsCommand(rest, io);
      case 'sync': {
        const { syncCommand } = await import('./commands/sync.ts');
        return await syncCommand(rest, io);
      }
      case '--version':
      case 'version':
        io.stdout.write(`${HUB_VERSION}\n`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(HELP);
        return command === undefined ? EXIT_CODES.usage : 0;
      default:
        io.stderr.write(`unknown command "${command}"\n\n${HELP}`);
        return EXIT_CODES.usage;
    }
  } catch (error) {
    // HubErrors, and the shared plumbing's errors with codes of their own (PortInUseError).
    if (isHubError(error) || error instanceof PortInUseError || error instanceof UsageError) {
      io.stderr.write(`huduma-hub: ${error.message}\n`);
      return EXIT_CODES[error.code];
    }
    io.stderr.write(`huduma-hub: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT_CODES.failure;
  }
}
