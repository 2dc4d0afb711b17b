import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { ManualClock, systemClock } from '../../../runtime/clock.ts';
import { LoopbackBinding, type LoopbackDevice } from '../../../hardware/serial/loopback-binding.ts';
import { openPtyPair, type PtyPair } from '../../../hardware/serial/pty-pair.ts';
import { systemBinding } from '../../../hardware/serial/system-binding.ts';
import { runUntil, within } from '../board-test-kit.ts';
import { serialLineContract, type FarEnd, type LineRig } from './serial-line-contract.ts';

/** The in-process binding on a manual clock: the cable is pulled quietly, so only the line check can tell. */
serialLineContract('loopback binding, manual clock', async (): Promise<LineRig> => {
  const clock = new ManualClock(0);
  const binding = new LoopbackBinding();
  const device = binding.createPort('loopback');
  return {
    binding,
    hostPath: 'loopback',
    clock,
    timing: { lineCheckMs: 100, reconnectDelaysMs: [100, 200], writeTimeoutMs: 1000 },
    settle: (promise, what) => runUntil(clock, promise, { what, maxMs: 60_000 }),
    far: () => loopbackFar(device),
    unplug: async () => device.unplug({ quiet: true }),
    replug: async () => device.plug(),
    close: async () => undefined,
  };
});

function loopbackFar(device: LoopbackDevice): FarEnd {
  const received: Buffer[] = [];
  device.on('hostBytes', (bytes) => received.push(bytes));
  return {
    received: () => Buffer.concat(received),
    send: (bytes) => device.toHost(bytes),
    hold: (held) => device.hold(held),
  };
}

/** serialport 13 on a socat PTY pair, in real time: the production path short of a cable. */
serialLineContract('system binding, socat PTY pair', async (): Promise<LineRig> => {
  const dir = await mkdtemp(join(tmpdir(), 'huduma-line-'));
  let pair: PtyPair = await openPtyPair({ dir });
  let device = await openFarPort(pair.devicePath);
  let received: Buffer[] = [];
  const closeDevice = async (): Promise<void> => {
    const port = device;
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  };
  const listen = (port: SerialPort): void => void port.on('data', (bytes: Buffer) => received.push(bytes));
  listen(device);
  return {
    binding: systemBinding,
    hostPath: pair.hostPath,
    clock: systemClock,
    timing: { lineCheckMs: 50, reconnectDelaysMs: [20, 50, 100], writeTimeoutMs: 300 },
    settle: (promise, what) => within(promise, what, 15_000),
    far: () => {
      received = [];
      const port = device;
      return {
        received: () => Buffer.concat(received),
        send: (bytes) => void port.write(bytes),
        hold: (held) => void (held ? port.pause() : port.resume()),
      };
    },
    async unplug() {
      await pair.close(); // socat gone: both ends' I/O and TIOCMGET fail with EIO
      await closeDevice();
    },
    async replug() {
      pair = await openPtyPair({ dir });
      device = await openFarPort(pair.devicePath);
      listen(device);
    },
    async close() {
      await closeDevice();
      await pair.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

async function openFarPort(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  port.on('error', () => undefined); // EIO once its pair is gone: expected here
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  return port;
}
