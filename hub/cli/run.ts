import { runCommandLine } from '../../runtime/command-line.ts';
import { isHubError, type HubErrorCode } from '../errors.ts';
import { HUB_VERSION } from '../version.ts';
import { deviceCommand } from './commands/device.ts';
import { officerCommand } from './commands/officer.ts';
import { staffCommand } from './commands/staff.ts';
import { tlsCommand } from './commands/tls.ts';
import { tokenCommand } from './commands/token.ts';
import type { CliIo } from '../../runtime/cli.ts';

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
  staff_exists: 65,
  staff_unknown: 65,
  config_invalid: 78,
  config_unreadable: 66,
  secret_unreadable: 66,
  tls_missing: 66,
  data_dir_locked: 75,
  data_dir_missing: 66,
  centre_unknown: 66,
  token_unknown: 65,
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
  huduma-hub staff add NAME --role technician|manager [--force] [--data-dir DIR]   password printed once
  huduma-hub staff list [--data-dir DIR]
  huduma-hub staff remove NAME [--data-dir DIR]
  huduma-hub tls init [--name HOST_OR_IP]... [--renew] [--data-dir DIR]   the centre CA and certificate (docs/security.md)
  huduma-hub tls show [--data-dir DIR]
  huduma-hub sync status [--data-dir DIR]
  huduma-hub sync drain [--data-dir DIR] [--timeout SECONDS]
  huduma-hub demo

Without --config the built-in sample centre is used (centre demo-centre, counters c01-c10).
The data dir defaults to ./data/hub. Commands that print JSON print only JSON on stdout.
`;

/** Runs one CLI invocation; returns the exit code. Errors are explained on stderr. */
export function runCli(argv: string[], io: CliIo): Promise<number> {
  return runCommandLine(argv, io, {
    name: 'huduma-hub',
    version: HUB_VERSION,
    help: HELP,
    exitCodes: EXIT_CODES,
    isExpected: isHubError,
    commands: {
      // Loaded on demand: the broker and HTTP stacks are not needed by `device add`.
      start: async (args, cliIo) => (await import('./commands/start.ts')).startCommand(args, cliIo),
      device: deviceCommand,
      token: tokenCommand,
      officer: officerCommand,
      staff: staffCommand,
      tls: tlsCommand,
      sync: async (args, cliIo) => (await import('./commands/sync.ts')).syncCommand(args, cliIo),
    },
  });
}
