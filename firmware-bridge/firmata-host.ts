import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import type { FirmataTransport } from '../hardware/firmata/simulated-board.ts';

/** The parts of firmata-io 2.3.0's `Firmata` host object the bridge uses. */
export interface FirmataIo extends EventEmitter {
  version: { major?: number; minor?: number };
  firmware: { name?: string; version?: { major: number; minor: number } };
  pins: { supportedModes: number[]; value?: number; mode?: number }[];
  transport: FirmataTransport;
  MODES: { INPUT: number };
  queryPinState(pin: number, callback: () => void): void;
  pinMode(pin: number, mode: number): void;
  digitalWrite(pin: number, value: number): void;
  reportDigitalPin(pin: number, value: 0 | 1): void;
}

interface FirmataConstructor {
  new (transport: FirmataTransport, options?: { reportVersionTimeout?: number }): FirmataIo;
}

// firmata-io is CommonJS without types. Its default export binds a transport class;
// we always hand it an open-able transport object instead (docs/protocols/firmata.md
// §6: never `require('firmata')`, which loads serialport 8).
const require = createRequire(import.meta.url);
const { Firmata } = require('firmata-io') as { Firmata: FirmataConstructor };

/**
 * A Firmata host on `transport`. The version/firmware report normally arrives
 * unsolicited when the board boots (the USB DTR line resets a Nano on open); a board
 * that did not reset is asked after `reportVersionTimeout`.
 */
export function createFirmataHost(transport: FirmataTransport, reportVersionTimeout = 3000): FirmataIo {
  return new Firmata(transport, { reportVersionTimeout });
}
