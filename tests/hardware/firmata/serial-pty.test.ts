import { once } from 'node:events';
import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';
import { FirmataBoardEmulator } from '../../../hardware/firmata/board-emulator.ts';
import { openPtyPair } from '../../../hardware/serial/pty-pair.ts';
import { asEmitter, Firmata, five, nextOutput, readyBoard, within } from './firmata-test-kit.ts';

describe('the emulator on a PTY pair (the production serial path)', () => {
  it('serves firmata-io and johnny-five over serialport 13: ready, press, LED', async () => {
    const pair = await openPtyPair();
    const emulator = new FirmataBoardEmulator();
    const attachment = await emulator.attachSerial(pair.devicePath);
    const port = new SerialPort({ path: pair.hostPath, baudRate: 57600 });
    try {
      // Default reportVersionTimeout (5 s): the board's re-announce until the host's
      // first byte stands in for the DTR reset a PTY cannot carry.
      const io = new Firmata(port);
      const started = Date.now();
      const board = await readyBoard(io);
      expect(Date.now() - started).toBeLessThan(2000);

      const button = asEmitter(new five.Button({ pin: 2, isPullup: true, board }));
      const pressed = within(once(button, 'press'), 'press over the PTY');
      emulator.setInput(2, false);
      await pressed;

      const lit = nextOutput(emulator, (change) => change.pin === 6 && change.high);
      new five.Led({ pin: 6, board }).on();
      await lit;
    } finally {
      if (port.isOpen) await new Promise((resolve) => port.close(resolve));
      await attachment.close();
      await emulator.close();
      await pair.close();
    }
  });

  it('notices the host side vanishing and frees the port for the next attachment', async () => {
    const pair = await openPtyPair();
    const emulator = new FirmataBoardEmulator();
    await emulator.attachSerial(pair.devicePath);
    const detached = within(once(emulator, 'detach'), 'detach');
    await pair.close(); // socat gone: the next re-announce or read fails with EIO
    const [error] = (await detached) as [Error | undefined];
    expect(error).toBeInstanceOf(Error);
    expect(emulator.attached).toBe(false);
    await emulator.close();
  });
});
