import type { FirmataTransport } from '../hardware/firmata/simulated-board.ts';
import type { BridgeClock } from './clock.ts';
import type { OpenTransport } from './eifd-board.ts';
import { BridgeError } from './errors.ts';
import { createFirmataHost } from './firmata-host.ts';

export interface BoardFirmware {
  name: string;
  version: string;
}

/** REPORT_VERSION, then QUERY_FIRMWARE (SysEx 0x79): StandardFirmata answers both at once (docs/protocols/firmata.md §2). */
const ASK_VERSION_AND_FIRMWARE = Buffer.from([0xf9, 0xf0, 0x79, 0xf7]);

/**
 * Opens the board to read what firmware it runs (the Firmata firmware report,
 * docs/protocols/firmata.md §2): a pairing claim carries it so the technician sees what
 * arrived. The report comes when the board boots on open, or is asked for by firmata-io
 * after its report time-out. The line stays open for `handOver`: reopening would cost a
 * Nano's reset (~2 s bootloader), and a board that does not reset, firmata-io's 3 s wait.
 */
export function readBoardFirmware(serial: string, open: OpenTransport, clock: BridgeClock, timeoutMs = 15_000): Promise<{ firmware: BoardFirmware; handOver: OpenTransport; close(): void }> {
  return new Promise((resolve, reject) => {
    let transport: FirmataTransport;
    try {
      transport = open(serial);
    } catch (error) {
      reject(new BridgeError('board_unavailable', `cannot open the board at ${serial}: ${(error as Error).message}`));
      return;
    }
    const io = createFirmataHost(transport);
    let settled = false;
    const release = () => {
      cancel();
      clearTimeout((io as unknown as { reportVersionTimeoutId?: NodeJS.Timeout }).reportVersionTimeoutId);
      // This host is done: the bridge's own takes the line from here.
      for (const event of ['data', 'error', 'close', 'open']) transport.removeAllListeners(event);
      io.removeAllListeners();
    };
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      release();
      transport.close?.();
      reject(new BridgeError('board_unavailable', why));
    };
    const cancel = clock.setTimer(() => fail(`the board at ${serial} did not report its firmware within ${timeoutMs} ms (is it flashed with StandardFirmata?)`), timeoutMs);
    transport.on('error', (error: Error) => fail(`serial error on ${serial}: ${error.message}`));
    io.on('error', (error: Error) => fail(`serial error on ${serial}: ${error.message}`));
    transport.on('close', () => fail(`serial line ${serial} closed while reading the firmware`));
    io.once('queryfirmware', () => {
      if (settled) return;
      settled = true;
      const { name, version } = io.firmware;
      const firmware = { name: (name ?? '').replace(/\0/g, '').slice(0, 64) || 'unknown', version: version ? `${version.major}.${version.minor}` : `${io.version.major ?? '?'}.${io.version.minor ?? '?'}` };
      release();
      let held: FirmataTransport | null = transport;
      const handOver: OpenTransport = (path) => {
        if (held === null || path !== serial) return open(path);
        const line = held;
        held = null;
        // The new host listens from its construction on. It learns the line is open from
        // `open` (johnny-five waits for that `connect` before `ready`), and the board,
        // already booted, is asked to introduce itself again instead of waiting out
        // firmata-io's report time-out.
        setImmediate(() => {
          line.emit('open');
          line.write(ASK_VERSION_AND_FIRMWARE);
        });
        return line;
      };
      resolve({ firmware, handOver, close: () => held?.close?.() });
    });
  });
}
