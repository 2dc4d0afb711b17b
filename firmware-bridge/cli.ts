import type { Logger } from 'pino';
import { noPositionals, parseCommandArgs, portFlag, type CliIo } from '../runtime/cli.ts';
import { runCommandLine } from '../runtime/command-line.ts';
import { resolveSecret, SecretSourceError } from '../runtime/secret-sources.ts';
import { BenchBoard, EMULATOR_SERIAL } from './bench-board.ts';
import { BenchPanel, DEFAULT_PRESS_PORT } from './bench-panel.ts';
import { Bridge } from './bridge.ts';
import { systemBridgeClock } from './clock.ts';
import { loadBridgeConfig, type BridgeFlags, type LoadedBridgeConfig } from './config.ts';
import type { OpenTransport } from './eifd-board.ts';
import { BridgeError, isBridgeError, type BridgeErrorCode } from './errors.ts';
import { discoverHub } from './hub-discovery.ts';
import { createBridgeLogger } from './logger.ts';
import { pairBridge } from './pair-bridge.ts';
import { BRIDGE_FIRMWARE } from './version.ts';

/** After sysexits.h, like the hub's. */
export const BRIDGE_EXIT_CODES: Record<'ok' | 'failure' | 'port_in_use' | BridgeErrorCode, number> = {
  ok: 0,
  failure: 1,
  usage: 64,
  config_invalid: 78,
  config_unreadable: 66,
  data_dir_unusable: 73,
  port_in_use: 75,
  // EX_NOPERM: the hub said no to this code; running again with it cannot help.
  pairing_refused: 77,
  // EX_TEMPFAIL: the hub could not be asked (or could not pair just now); try again.
  pairing_unreachable: 75,
  // EX_UNAVAILABLE: the board to pair did not answer.
  board_unavailable: 69,
};

/** How long a bridge without --hub listens for the hub's mDNS answer (it announces within ~1 s). */
const HUB_DISCOVERY_MS = 5000;

const USAGE = `${BRIDGE_FIRMWARE}: the EIFD feedback-device bridge

  huduma-bridge start [--config FILE] [--data-dir DIR] [--serial PATH|emulator] [--hub mqtt://HOST:PORT | mqtts://HOST:8883 --hub-ca FILE]
                      [--centre ID] [--device ID] [--password-file FILE] [--log-level LEVEL]
                      [--press-port N] [--press-host ADDR]
  huduma-bridge start --serial PATH --pair CODE [--hub mqtt://HOST:PORT] [--centre ID] [--data-dir DIR]

--serial, --device and the device password together drive one board with the default wiring
(buttons D2-D5 = ratings 4-1 to ground, LEDs D6/D9/D10/D11, buzzer D8). The password comes
from --password-file FILE, $HUDUMA_DEVICE_PASSWORD or systemd LoadCredential=device-password
(--password PW works too, but shows it in ps). With mqtts://, --hub-ca is the centre CA file.
Votes wait for the hub in DIR (default ./data/bridge). Without --hub (and no "hub" in the
config) the bridge looks for its centre's hub by mDNS (_huduma-hub._tcp) for 5 s first.

--pair CODE (six digits from the technician page) claims the device identity from the hub
once and keeps it in DIR (0600); later starts need only --serial. A wrong, used or expired
code exits with 77 and creates nothing.

--serial emulator (or "serial": "emulator" for a board in the config file): no Arduino, a
bench or training board. An emulated StandardFirmata board on a PTY (needs socat) takes
the place of the USB port; press its buttons by typing 1-4 and Enter on this terminal
(the rating; 4 = best), or over HTTP:
  curl -X POST http://127.0.0.1:${DEFAULT_PRESS_PORT}/press/4        (?device=ID for one of several, &holdMs=N)
  curl http://127.0.0.1:${DEFAULT_PRESS_PORT}/state                  (the LEDs and buzzer as the bridge set them)
--press-port N (default ${DEFAULT_PRESS_PORT}, 0 = any free; the log says which) and --press-host ADDR
(default 127.0.0.1: anyone who can reach the panel can vote). See docs/provisioning.md.
`;

/** Where `start` finds the device password besides the config file (docs/security.md, "Secrets"). */
const DEVICE_PASSWORD = { what: 'the device password', flag: '--password', fileFlag: '--password-file', env: 'HUDUMA_DEVICE_PASSWORD', credential: 'device-password' };

export function runBridgeCli(argv: string[], io: CliIo): Promise<number> {
  return runCommandLine(argv, io, {
    name: 'huduma-bridge',
    version: BRIDGE_FIRMWARE,
    help: USAGE,
    commands: { start },
    exitCodes: BRIDGE_EXIT_CODES,
    isExpected: isBridgeError,
  });
}

async function start(args: string[], io: CliIo): Promise<number> {
  const options = {
    config: { type: 'string' },
    'data-dir': { type: 'string' },
    serial: { type: 'string' },
    hub: { type: 'string' },
    centre: { type: 'string' },
    device: { type: 'string' },
    password: { type: 'string' },
    'password-file': { type: 'string' },
    'hub-ca': { type: 'string' },
    'log-level': { type: 'string' },
    'press-port': { type: 'string' },
    'press-host': { type: 'string' },
    pair: { type: 'string' },
  } as const;
  const { values, positionals } = parseCommandArgs(args, options, USAGE);
  noPositionals(positionals, USAGE);
  // The password from file, environment or credentials only completes a board given by flags.
  // Not with --pair: a paired bridge's password comes from the hub, not from the environment.
  const secret = (values.serial !== undefined && values.pair === undefined) || values.device !== undefined ? readPassword(values.password, values['password-file'], io.env) : undefined;
  const password = secret?.value ?? values.password;
  const flags: BridgeFlags = {
    ...(values.config !== undefined && { config: values.config }),
    ...(values['data-dir'] !== undefined && { dataDir: values['data-dir'] }),
    ...(values.serial !== undefined && { serial: values.serial }),
    ...(values.hub !== undefined && { hub: values.hub }),
    ...(values.centre !== undefined && { centre: values.centre }),
    ...(values.device !== undefined && { device: values.device }),
    ...(password !== undefined && { password }),
    ...(values['hub-ca'] !== undefined && { hubCa: values['hub-ca'] }),
    ...(values['log-level'] !== undefined && { logLevel: values['log-level'] }),
    ...(values.pair !== undefined && { pair: values.pair }),
  };
  let config = loadBridgeConfig(flags);
  const log = createBridgeLogger(config.logLevel);
  for (const warning of secret?.warnings ?? []) log.warn(warning);
  if (!config.hubGiven) {
    const found = await discoverHub(config.centreId, { timeoutMs: HUB_DISCOVERY_MS, clock: systemBridgeClock(), log, tls: config.hubCa !== undefined });
    if (found) {
      flags.hub = found;
      config = loadBridgeConfig(flags);
    } else log.warn({ hub: config.hub, centreId: config.centreId }, 'no hub of this centre answered by mDNS; using the default address (give --hub)');
  }
  // Pairing hands over the serial line it opened to read the board's firmware (no reopen).
  let openTransport: OpenTransport | undefined;
  if (config.pairing) {
    openTransport = await pairBridge(config, log);
    config = loadBridgeConfig(flags);
  }
  const pressPort = portFlag('--press-port', values['press-port']);
  const bench = await openBench(config, log, { host: values['press-host'] ?? '127.0.0.1', port: pressPort ?? DEFAULT_PRESS_PORT, explicit: pressPort !== undefined }, io);
  let bridge: Bridge;
  try {
    bridge = new Bridge({ config: bench?.config ?? config, log, ...(openTransport && { openTransport }) });
  } catch (error) {
    await bench?.close();
    throw new BridgeError('data_dir_unusable', `cannot use data dir ${config.dataDir}: ${(error as Error).message}`);
  }
  bridge.start();
  const signal = await io.shutdownRequested;
  log.info({ signal }, 'stopping');
  await bridge.stop();
  await bench?.close();
  log.flush();
  return 0;
}

/**
 * Boards whose serial is `emulator` get an emulated board on a PTY, pressed from the
 * keyboard or the HTTP panel (bench-panel.ts); the bridge itself runs unchanged on the
 * PTY's host end. Null when every board is real.
 */
async function openBench(config: LoadedBridgeConfig, log: Logger, listen: { host: string; port: number; explicit: boolean }, io: CliIo) {
  const emulated = config.boards.filter((b) => b.serial === EMULATOR_SERIAL);
  if (emulated.length === 0) return null;
  const boards: BenchBoard[] = [];
  const panel = new BenchPanel(boards, log);
  const close = async () => {
    await panel.close();
    for (const board of boards) await board.close();
  };
  try {
    for (const b of emulated) boards.push(await BenchBoard.open(b.deviceId, b.profile, log));
    await panel.listen(listen);
  } catch (error) {
    await close();
    throw error;
  }
  if (io.stdin) panel.readKeys(io.stdin);
  const serialOf = new Map(boards.map((b) => [b.deviceId, b.serialPath]));
  return { config: { ...config, boards: config.boards.map((b) => (b.serial === EMULATOR_SERIAL ? { ...b, serial: serialOf.get(b.deviceId)! } : b)) }, close };
}

function readPassword(value: string | undefined, file: string | undefined, env: CliIo['env']) {
  try {
    return resolveSecret(DEVICE_PASSWORD, { value, file }, env);
  } catch (error) {
    if (error instanceof SecretSourceError) throw new BridgeError(error.code === 'secret_ambiguous' ? 'usage' : 'config_unreadable', error.message);
    throw error;
  }
}
