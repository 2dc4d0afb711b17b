import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { formatIssues } from '../protocol/format-issues.ts';
import { Id } from '../protocol/ids.ts';
import { PairingCode } from '../protocol/messages/pairing.ts';
import { BoardProfile, DEFAULT_BOARD_PROFILE } from './board-profile.ts';
import { BridgeError } from './errors.ts';
import { loadPairedIdentity, pairedIdentityPath } from './paired-identity.ts';

export const DEFAULT_BRIDGE_DATA_DIR = 'data/bridge';

export const BoardConfig = z.strictObject({
  deviceId: Id,
  /** The device secret `huduma-hub device add` printed. */
  password: z.string().min(1),
  /** Serial device of the board; prefer /dev/serial/by-id/… which survives replugging. */
  serial: z.string().min(1),
  profile: BoardProfile.default(DEFAULT_BOARD_PROFILE),
});
export type BoardConfig = z.infer<typeof BoardConfig>;

export const BridgeConfig = z.strictObject({
  hub: z
    .url({ protocol: /^mqtts?$/ })
    .refine((url) => !new URL(url).username && !new URL(url).password, 'must not carry credentials: each board has its own deviceId and password')
    .default('mqtt://127.0.0.1:1883'),
  /**
   * The centre CA certificate (PEM file, `huduma-hub tls show` says where): with an
   * mqtts:// hub, the only certificate authority the bridge trusts (docs/security.md, "TLS").
   */
  hubCa: z.string().min(1).optional(),
  centreId: Id.default('demo-centre'),
  dataDir: z.string().min(1).default(DEFAULT_BRIDGE_DATA_DIR),
  /**
   * A pairing code from the technician page: with `serial` and no `boards`, the bridge
   * claims its identity from the hub once and keeps it in dataDir (docs/provisioning.md).
   * Ignored once paired, so it may stay in the file.
   */
  pair: PairingCode.optional(),
  /** The one board of a paired bridge (its identity comes from dataDir, not from `boards`). */
  serial: z.string().min(1).optional(),
  boards: z.array(BoardConfig).min(1, 'at least one board is needed (or use --serial, --device, --password)'),
  /** Stable time before a press counts (docs/protocols/firmata.md §7: 40–50 ms, 30 minimum). */
  debounceMs: z.int().min(30).max(500).default(45),
  /** Lock-out after a vote until the hub's retained config says otherwise. */
  lockoutMs: z.int().min(0).max(60_000).default(2500),
  queue: z
    .strictObject({
      /** Votes kept while the hub is unreachable, per board (a busy counter casts ~300 a day). */
      capacity: z.int().min(1).max(1_000_000).default(20_000),
      /** When full: drop the oldest vote or refuse the newest. Either way it is counted and reported. */
      whenFull: z.enum(['drop-oldest', 'drop-newest']).default('drop-oldest'),
    })
    .default({ capacity: 20_000, whenFull: 'drop-oldest' }),
  telemetryIntervalMs: z.int().min(1000).default(30_000),
  reconnect: z
    .strictObject({
      initialMs: z.int().min(10).default(250),
      /** Cap of the jittered exponential backoff; 5 s on a LAN (process contract). */
      maxMs: z.int().min(100).max(300_000).default(5000),
    })
    .default({ initialMs: 250, maxMs: 5000 }),
  /** How often the board is asked for a pin state; no answer means it was unplugged. */
  boardProbeIntervalMs: z.int().min(100).default(2000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type BridgeConfig = z.infer<typeof BridgeConfig>;

/** The config with the centre CA read, ready to connect. */
export type LoadedBridgeConfig = BridgeConfig & {
  hubCaPem?: string | null;
  /** Set when the bridge must first claim an identity with a code; `boards` is empty until then. */
  pairing?: { code: string; serial: string } | null;
  /** False when neither the flags nor the file named the hub: the bridge may look for it by mDNS. */
  hubGiven?: boolean;
};

export interface BridgeFlags {
  config?: string;
  dataDir?: string;
  serial?: string;
  hub?: string;
  centre?: string;
  device?: string;
  password?: string;
  hubCa?: string;
  logLevel?: string;
  pair?: string;
}

/**
 * Config file, then flags on top (process contract). `--serial`, `--device` and
 * `--password` together describe one board with the default profile and replace the
 * file's boards.
 */
export function loadBridgeConfig(flags: BridgeFlags): LoadedBridgeConfig {
  let raw: Record<string, unknown> = {};
  if (flags.config) {
    try {
      raw = JSON.parse(readFileSync(flags.config, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new BridgeError('config_unreadable', `cannot read config ${flags.config}: ${(error as Error).message}`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new BridgeError('config_invalid', `${flags.config}: expected a JSON object`);
    // `_comment`-style keys are notes for operators, as in the hub's config.
    raw = Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith('_')));
  }
  const boardFlags = [flags.serial, flags.device, flags.password];
  if (flags.device !== undefined || flags.password !== undefined) {
    if (boardFlags.some((f) => f === undefined)) throw new BridgeError('usage', '--serial, --device and --password go together: they describe one board (or --serial with --pair CODE, or --serial alone once paired)');
    raw.boards = [{ serial: flags.serial, deviceId: flags.device, password: flags.password }];
  } else if (flags.serial !== undefined) {
    raw.serial = flags.serial;
    delete raw.boards;
  }
  if (flags.pair !== undefined) raw.pair = flags.pair;
  if (flags.hub !== undefined) raw.hub = flags.hub;
  const hubGiven = raw.hub !== undefined;
  if (flags.hubCa !== undefined) raw.hubCa = flags.hubCa;
  if (flags.centre !== undefined) raw.centreId = flags.centre;
  if (flags.dataDir !== undefined) raw.dataDir = flags.dataDir;
  if (flags.logLevel !== undefined) raw.logLevel = flags.logLevel;
  const pairing = raw.boards === undefined ? boardsFromPairing(raw) : null;
  if (raw.boards === undefined && !pairing) {
    throw new BridgeError('usage', 'no board to drive: give --serial PATH --pair CODE (a code from the technician page), --config FILE with "boards", or --serial PATH --device ID --password PW');
  }
  const parsed = (pairing ? BridgeConfig.extend({ boards: z.array(BoardConfig).max(0) }) : BridgeConfig).safeParse(pairing ? { ...raw, boards: [] } : raw);
  if (!parsed.success) {
    throw new BridgeError('config_invalid', `invalid bridge config${flags.config ? ` (${flags.config})` : ''}:\n  ${formatIssues(parsed.error).join('\n  ')}`);
  }
  const ids = parsed.data.boards.map((b) => b.deviceId);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new BridgeError('config_invalid', `invalid bridge config: boards: device "${twice}" is listed twice (one board per device id)`);
  return { ...parsed.data, hubCaPem: readHubCa(parsed.data), pairing, hubGiven };
}

/**
 * Without `boards`, a bridge drives the one board at `serial` as the device it paired
 * as (its identity in dataDir), or, never paired yet, must first claim one with `pair`.
 * Fills `raw.boards` when paired; returns what to pair otherwise.
 */
function boardsFromPairing(raw: Record<string, unknown>): { code: string; serial: string } | null {
  const serial = typeof raw.serial === 'string' ? raw.serial : undefined;
  const dataDir = typeof raw.dataDir === 'string' ? raw.dataDir : DEFAULT_BRIDGE_DATA_DIR;
  const identity = loadPairedIdentity(dataDir);
  if (identity) {
    if (serial === undefined) throw new BridgeError('usage', `paired as device ${identity.deviceId}: give --serial PATH (or "serial" in the config) for its board`);
    const centreId = typeof raw.centreId === 'string' ? raw.centreId : identity.centreId;
    if (centreId !== identity.centreId) {
      throw new BridgeError('config_invalid', `invalid bridge config: centreId: this bridge is paired with centre "${identity.centreId}" (${pairedIdentityPath(dataDir)}), not "${centreId}"`);
    }
    raw.centreId = identity.centreId;
    raw.boards = [{ serial, deviceId: identity.deviceId, password: identity.password }];
    return null;
  }
  if (raw.pair === undefined) return null;
  if (serial === undefined) throw new BridgeError('usage', 'pairing needs the board: give --serial PATH with --pair CODE');
  return { code: String(raw.pair), serial };
}

/**
 * With mqtts:// the bridge trusts the centre CA and nothing else, so the file must be
 * given and readable; a CA for a plaintext hub would protect nothing and is refused.
 */
function readHubCa(config: BridgeConfig): string | null {
  const tls = new URL(config.hub).protocol === 'mqtts:';
  if (!tls) {
    if (config.hubCa) throw new BridgeError('config_invalid', `invalid bridge config: hubCa: only used with an mqtts:// hub; set hub to mqtts://HOST:8883 or remove hubCa`);
    return null;
  }
  if (!config.hubCa) throw new BridgeError('config_invalid', 'invalid bridge config: hubCa: required with an mqtts:// hub: the centre CA file (on the hub: huduma-hub tls show), e.g. --hub-ca /etc/huduma/centre-ca.crt');
  let pem: string;
  try {
    pem = readFileSync(config.hubCa, 'utf8');
  } catch (error) {
    throw new BridgeError('config_unreadable', `cannot read hubCa ${config.hubCa}: ${(error as Error).message}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new BridgeError('config_invalid', `invalid bridge config: hubCa: ${config.hubCa} is not a PEM certificate (copy centre-ca.crt from the hub's data dir)`);
  return pem;
}
