import type { BridgeClock } from './clock.ts';
import type { OpenTransport } from './eifd-board.ts';
import { BridgeError } from './errors.ts';
import { createFirmataHost } from './firmata-host.ts';

export interface BoardFirmware {
  name: string;
  version: string;
}

/**
 * Opens the board once to read what firmware it runs (the Firmata firmware report,
 * docs/protocols/firmata.md §2), then closes it: a pairing claim carries it so the
 * technician sees what arrived. The report comes when the board boots on open, or is
 * asked for by firmata-io after its report time-out.
 */
export function readBoardFirmware(serial: string, open: OpenTransport, clock: BridgeClock, timeoutMs = 15_000): Promise<BoardFirmware> {
  return new Promise((resolve, reject) => {
    let transport;
    try {
      transport = open(serial);
    } catch (error) {
      reject(new BridgeError('board_unavailable', `cannot open the board at ${serial}: ${(error as Error).message}`));
      return;
    }
    const io = createFirmataHost(transport);
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      cancel();
      clearTimeout((io as unknown as { reportVersionTimeoutId?: NodeJS.Timeout }).reportVersionTimeoutId);
      transport.close?.(() => outcome());
      if (!transport.close) outcome();
    };
    const fail = (why: string) => finish(() => reject(new BridgeError('board_unavailable', why)));
    const cancel = clock.setTimer(() => fail(`the board at ${serial} did not report its firmware within ${timeoutMs} ms (is it flashed with StandardFirmata?)`), timeoutMs);
    transport.on('error', (error: Error) => fail(`serial error on ${serial}: ${error.message}`));
    io.on('error', (error: Error) => fail(`serial error on ${serial}: ${error.message}`));
    io.once('queryfirmware', () => {
      const { name, version } = io.firmware;
      finish(() => resolve({ name: (name ?? '').replace(/\0/g, '').slice(0, 64) || 'unknown', version: version ? `${version.major}.${version.minor}` : `${io.version.major ?? '?'}.${io.version.minor ?? '?'}` }));
    });
  });
}
