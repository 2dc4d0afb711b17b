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
 * as that device, and so does every later start (docs/provisioning.md).
 */
export async function pairBridge(config: LoadedBridgeConfig, log: Logger, openTransport: OpenTransport = openSerialTransport): Promise<void> {
  const pairing = config.pairing;
  if (!pairing) return;
  const clock = systemBridgeClock();
  log.info({ serial: pairing.serial }, 'reading the board firmware for pairing');
  const firmware = await readBoardFirmware(pairing.serial, openTransport, clock);
  log.info({ serial: pairing.serial, firmware }, 'board found; claiming a device identity with the pairing code');
  const identity = await claimIdentity({ hub: config.hub, ca: config.hubCaPem ?? null, centreId: config.centreId, code: pairing.code, firmware, clock, log });
  const path = savePairedIdentity(config.dataDir, identity);
  log.info({ deviceId: identity.deviceId, counterId: identity.counterId, file: path }, 'paired');
}
