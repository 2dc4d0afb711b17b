import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { systemBridgeClock, type BridgeClock } from './clock.ts';
import type { LoadedBridgeConfig } from './config.ts';
import type { OpenTransport } from './eifd-board.ts';
import { EifdDevice } from './eifd-device.ts';

export interface BridgeOptions {
  config: LoadedBridgeConfig;
  log: Logger;
  clock?: BridgeClock;
  /** Replaces the serial port (tests: an emulator's in-process transport). */
  openTransport?: OpenTransport;
}

/**
 * The bridge's composition root: one EifdDevice per configured board, all sharing one
 * boot id (a random 96-bit id per bridge start; `seq` restarts at 1 with it).
 */
export class Bridge {
  readonly boot = randomBytes(12).toString('hex');
  readonly devices: readonly EifdDevice[];
  readonly #log: Logger;

  constructor(options: BridgeOptions) {
    this.#log = options.log;
    const clock = options.clock ?? systemBridgeClock();
    this.devices = options.config.boards.map(
      (board) => new EifdDevice({ board, settings: options.config, boot: this.boot, clock, log: options.log, ...(options.openTransport ? { openTransport: options.openTransport } : {}) }),
    );
  }

  start(): void {
    this.#log.info({ boot: this.boot, boards: this.devices.map((d) => d.deviceId) }, 'bridge starting');
    for (const device of this.devices) device.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.devices.map((device) => device.stop()));
    this.#log.info('bridge stopped');
  }
}
