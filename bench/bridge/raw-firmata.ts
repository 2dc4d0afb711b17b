// The baseline of the acknowledgment latency: the same transport as the bridge's
// (emulator on the device end of a socat PTY pair, serialport 13 + firmata-io 2.3 on
// the host end, in this process) with nothing on top: no johnny-five, no debounce, no
// journal. A press is answered by lighting its LED the moment firmata-io sees the
// level, so the round trip is what the PTY/Firmata path itself costs.
import { FirmataBoardEmulator } from '../../hardware/firmata/board-emulator.ts';
import type { SerialAttachment } from '../../hardware/firmata/simulated-board.ts';
import { openPtyPair, type PtyPair } from '../../hardware/serial/pty-pair.ts';
import { openSerialTransport } from '../../firmware-bridge/eifd-board.ts';
import { createFirmataHost, type FirmataIo } from '../../firmware-bridge/firmata-host.ts';
import { outputSeen, withTimeout } from './wait.ts';

/** The firmata-io calls this baseline makes beyond what the bridge's FirmataIo type lists. */
interface RawIo extends FirmataIo {
  MODES: { INPUT: number; PULLUP: number; PWM: number };
  pwmWrite(pin: number, value: number): void;
}

export interface RawSample {
  /** Edge → firmata-io has decoded the port report (one way, board → host). */
  readMs: number;
  /** Edge → the LED write has reached the board (board → host → board). */
  roundTripMs: number;
}

export class RawFirmataPath {
  readonly board: FirmataBoardEmulator;
  readonly #io: RawIo;
  readonly #pair: PtyPair;
  readonly #attachment: SerialAttachment;

  private constructor(board: FirmataBoardEmulator, io: RawIo, pair: PtyPair, attachment: SerialAttachment) {
    this.board = board;
    this.#io = io;
    this.#pair = pair;
    this.#attachment = attachment;
  }

  static async open(buttons: ReadonlyArray<{ pin: number; led: number }>): Promise<RawFirmataPath> {
    const pair = await openPtyPair();
    const board = new FirmataBoardEmulator({ firmataVersion: '2.5' });
    let attachment: SerialAttachment | undefined;
    let io: RawIo | undefined;
    try {
      attachment = await board.attachSerial(pair.devicePath);
      const host = createFirmataHost(openSerialTransport(pair.hostPath)) as RawIo;
      io = host;
      await withTimeout(new Promise<void>((resolve) => host.once('ready', () => resolve())), 10_000, 'firmata-io ready on the baseline PTY');
      for (const { pin, led } of buttons) {
        host.pinMode(pin, host.MODES.PULLUP);
        host.reportDigitalPin(pin, 1);
        host.pinMode(led, host.MODES.PWM);
        host.pwmWrite(led, 0);
      }
      // Firmata runs commands in order: once this answers, every mode and report is set.
      await withTimeout(new Promise<void>((resolve) => host.queryPinState(buttons[buttons.length - 1]!.pin, resolve)), 5000, 'pin state on the baseline PTY');
      return new RawFirmataPath(board, host, pair, attachment);
    } catch (error) {
      if (io) await closeHost(io);
      await attachment?.close();
      await board.close();
      await pair.close();
      throw error;
    }
  }

  /** Presses `pin`, lights `led` as soon as the host reads the press, then releases both. */
  async press(pin: number, led: number): Promise<RawSample> {
    const io = this.#io;
    let readAt = 0;
    const onRead = (value: number) => {
      if (value !== 0 || readAt !== 0) return;
      readAt = performance.now();
      io.pwmWrite(led, 255);
    };
    io.on(`digital-read-${pin}`, onRead);
    const lit = outputSeen(this.board, (change) => change.pin === led && change.pwm === 255);
    const t0 = performance.now();
    this.board.setInput(pin, false);
    const litAt = await withTimeout(lit, 5000, `raw Firmata LED D${led}`);
    io.off(`digital-read-${pin}`, onRead);

    const released = new Promise<void>((resolve) => {
      const onRelease = (value: number) => {
        if (value !== 1) return;
        io.off(`digital-read-${pin}`, onRelease);
        resolve();
      };
      io.on(`digital-read-${pin}`, onRelease);
    });
    const dark = outputSeen(this.board, (change) => change.pin === led && change.pwm === 0);
    this.board.setInput(pin, true);
    await withTimeout(released, 5000, `raw Firmata release of D${pin}`);
    io.pwmWrite(led, 0);
    await withTimeout(dark, 5000, `raw Firmata LED D${led} off`);
    return { readMs: readAt - t0, roundTripMs: litAt - t0 };
  }

  async close(): Promise<void> {
    await closeHost(this.#io);
    await this.#attachment.close();
    await this.board.close();
    await this.#pair.close();
  }
}

async function closeHost(io: RawIo): Promise<void> {
  io.removeAllListeners();
  await new Promise<void>((resolve) => {
    const transport = io.transport;
    if (!transport.close) return resolve();
    try {
      transport.close(() => resolve());
    } catch {
      resolve();
    }
  });
}
