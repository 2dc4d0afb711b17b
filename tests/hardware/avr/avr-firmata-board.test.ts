import { SerialPort } from 'serialport';
import five from 'johnny-five';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AvrFirmataBoard } from '../../../hardware/firmata/avr/avr-firmata-board.ts';
import { standardFirmataHex } from '../../../hardware/firmata/avr/standard-firmata-hex.ts';
import type { SimulatedFirmataBoard } from '../../../hardware/firmata/simulated-board.ts';
import { openPtyPair, type PtyPair } from '../../../hardware/serial/pty-pair.ts';
import { emitter, Firmata, type FirmataIo, johnnyFive, nextEvent, outputWhere } from './firmata-host.ts';

// The firmware blinks its version on D13 for ~1.9 s before it says anything, in real time.
const BOOT_TIMEOUT_MS = 60_000;

/**
 * The host side of the EIFD, end to end against real firmware: firmata-io's handshake,
 * then johnny-five's Button (Firmata 2.4 legacy pull-up) and Leds on a PWM pin and a
 * plain one (docs/protocols/firmata.md §3, §7).
 */
async function exerciseFirmware(board: SimulatedFirmataBoard, io: FirmataIo): Promise<void> {
  await nextEvent(io, 'ready');
  expect(io.version).toEqual({ major: 2, minor: 4 });
  expect(io.firmware).toEqual({ name: 'StandardFirmata.ino', version: { major: 2, minor: 4 } });

  const j5 = await johnnyFive(io);
  const button = new five.Button({ pin: 2, isPullup: true, board: j5 });
  const led6 = new five.Led({ pin: 6, board: j5 });
  const led8 = new five.Led({ pin: 8, board: j5 });

  // johnny-five debounces 7 ms; the level is held until `press` arrives, well past that.
  const pressed = nextEvent(emitter(button), 'press');
  board.setInput(2, false);
  await pressed;
  const released = nextEvent(emitter(button), 'release');
  board.setInput(2, true);
  await released;

  // A PWM pin: johnny-five sends `F4 06 03`, `E6 7F 01`; analogWrite(255) is a plain HIGH.
  const led6On = outputWhere(board, (change) => change.pin === 6 && change.high);
  led6.on();
  expect(await led6On).toEqual({ pin: 6, high: true });
  expect(board.outputHigh(6)).toBe(true);
  // An intermediate duty leaves the pin toggling under timer 0: reported once, with its duty.
  const led6Dimmed = outputWhere(board, (change) => change.pin === 6 && change.pwm === 100);
  led6.brightness(100);
  expect(await led6Dimmed).toEqual({ pin: 6, high: true, pwm: 100 });

  // A plain output: `F4 08 01`, `91 01 00`.
  const led8On = outputWhere(board, (change) => change.pin === 8 && change.high);
  led8.on();
  await led8On;
  expect(board.outputHigh(8)).toBe(true);
  const led8Off = outputWhere(board, (change) => change.pin === 8 && !change.high);
  led8.off();
  await led8Off;
  expect(board.outputHigh(8)).toBe(false);
}

describe('AvrFirmataBoard: real StandardFirmata 2.4 in avr8js', () => {
  let hex: string;
  let board: AvrFirmataBoard | null = null;
  beforeAll(async () => {
    hex = await standardFirmataHex();
  }, BOOT_TIMEOUT_MS);
  afterEach(async () => {
    await board?.close();
    board = null;
  });

  it(
    'works with firmata-io and johnny-five over an in-process transport',
    async () => {
      board = new AvrFirmataBoard({ hex });
      const transport = board.attachTransport();
      const io = new Firmata(transport);
      await exerciseFirmware(board, io);

      // Firmata 2.4's pull-up is the port latch: a port write with D2's bit clear turns it
      // off, and the open button then reads as pressed (docs/protocols/firmata.md §3).
      const floating = outputWhere(board, (change) => change.pin === 7 && change.high);
      const pullUpLost = nextEvent(io, 'digital-read-2');
      transport.write(Buffer.from([0x90, 0x00, 0x01]));
      await floating;
      expect(await pullUpLost).toBe(0);

      expect(() => board!.attachTransport()).toThrow(expect.objectContaining({ code: 'board_attached' }));
      await new Promise((resolve) => transport.close!(resolve));

      // Opening the port again resets the board, as DTR does on a Nano: the firmware boots
      // afresh and every pin is an input again.
      const again = new Firmata(board.attachTransport());
      await nextEvent(again, 'ready');
      expect(again.firmware.name).toBe('StandardFirmata.ino');
      expect([6, 7, 8].map((pin) => board!.outputHigh(pin))).toEqual([false, false, false]);
    },
    BOOT_TIMEOUT_MS,
  );

  it(
    'works over a PTY pair with serialport on both ends',
    async () => {
      let pair: PtyPair | null = null;
      let host: SerialPort | null = null;
      board = new AvrFirmataBoard({ hex });
      try {
        pair = await openPtyPair();
        const attachment = await board.attachSerial(pair.devicePath);
        host = new SerialPort({ path: pair.hostPath, baudRate: 57_600 });
        await exerciseFirmware(board, new Firmata(host));
        // Host first, then the device: killing socat under an open port is an EIO error.
        await new Promise((resolve) => host!.close(resolve));
        await attachment.close();
      } finally {
        if (host?.isOpen) await new Promise((resolve) => host!.close(resolve));
        await pair?.close();
      }
    },
    BOOT_TIMEOUT_MS,
  );

  it('reports a firmware that cannot be loaded as an error on the transport', async () => {
    board = new AvrFirmataBoard({ hex: ':0400000001020304F1\n:00000001FE\n' });
    const error = await nextEvent(board.attachTransport(), 'error');
    expect(error).toMatchObject({ code: 'intel_hex_invalid', line: 1 });
  });

  it('refuses pins the board does not have', () => {
    board = new AvrFirmataBoard({ hex });
    expect(() => board!.setInput(20, true)).toThrow(expect.objectContaining({ code: 'pin_invalid' }));
    expect(() => board!.outputHigh(-1)).toThrow(expect.objectContaining({ code: 'pin_invalid' }));
  });
});
