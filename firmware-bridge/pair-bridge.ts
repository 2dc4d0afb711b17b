import type { Logger } from 'pino';
import { readBoardFirmware } from './board-firmware.ts';
import { systemBridgeClock } from './clock.ts';
import type { LoadedBridgeConfig } from './config.ts';
import { openSerialTransport, type OpenTransport } from './eifd-board.ts';
import { savePairedIdentity } from './paired-identity.ts';
import { claimIdentity } from './pairing.ts';

/**
 * The first start of a bridge given a pairing code: read the board's firmware, claim an
 * identity from the hub with the code, keep it in the data dir. The caller then starts
 * as that device, and so does every later start (docs/provisioning.md). Returns how the
 * bridge opens its board: the line read for the firmware, still open, first.
 */
export async function pairBridge(config: LoadedBridgeConfig, log: Logger, openTransport: OpenTransport = openSerialTransport): Promise<OpenTransport> {
  const pairing = config.pairing;
  if (!pairing) return openTransport;
  const clock = systemBridgeClock();
  log.info({ serial: pairing.serial }, 'reading the board firmware for pairing');
  const board = await readBoardFirmware(pairing.serial, openTransport, clock);
  log.info({ serial: pairing.serial, firmware: board.firmware }, 'board found; claiming a device identity with the pairing code');
  try {
    const identity = await claimIdentity({ hub: config.hub, ca: config.hubCaPem ?? null, centreId: config.centreId, code: pairing.code, firmware: board.firmware, clock, log });
    const path = savePairedIdentity(config.dataDir, identity);
    log.info({ deviceId: identity.deviceId, counterId: identity.counterId, file: path }, 'paired');
  } catch (error) {
    board.close();
    throw error;
  }
  return board.handOver;
}
