import { once } from 'node:events';
import type { SimulatedFirmataBoard, SerialAttachment } from '../../hardware/firmata/simulated-board.ts';
import { openPtyPair, type PtyPair } from '../../hardware/serial/pty-pair.ts';
import { Bridge } from '../../firmware-bridge/bridge.ts';
import { BridgeConfig } from '../../firmware-bridge/config.ts';
import type { EifdDevice, VoteRecord } from '../../firmware-bridge/eifd-device.ts';
import type { OpenTransport } from '../../firmware-bridge/eifd-board.ts';
import { withDeadline, WAIT_MS } from './deadline.ts';
import { capturingLogger } from './log-capture.ts';
import { tempDir } from './temp-dir.ts';

export interface BridgeBoard {
  deviceId: string;
  password: string;
  board: SimulatedFirmataBoard;
}

export interface BridgeFixture {
  bridge: Bridge;
  dataDir: string;
  logs: ReturnType<typeof capturingLogger>;
  device(deviceId: string): EifdDevice;
  stop(): Promise<void>;
}

/**
 * A real Bridge in this process driving simulated boards, either over in-process
 * transports (`via: 'transport'`) or through real kernel PTY pairs with serialport on
 * both ends (`via: 'pty'`, the production path).
 */
export async function startBridge(options: {
  hubPort: number;
  centreId?: string;
  boards: BridgeBoard[];
  via: 'transport' | 'pty';
  dataDir?: string;
  settings?: Record<string, unknown>;
}): Promise<BridgeFixture> {
  const dir = options.dataDir ? null : tempDir('huduma-bridge-');
  const dataDir = options.dataDir ?? dir!.path;
  const cleanups: (() => Promise<void>)[] = [];
  const serialPaths = new Map<string, SimulatedFirmataBoard>();
  for (const { deviceId, board } of options.boards) {
    if (options.via === 'pty') {
      const pair: PtyPair = await withDeadline(openPtyPair(), WAIT_MS, 'a PTY pair (socat)');
      const attachment: SerialAttachment = await withDeadline(board.attachSerial(pair.devicePath), WAIT_MS, `the board of ${deviceId} on ${pair.devicePath}`);
      cleanups.push(() => attachment.close(), () => pair.close());
      serialPaths.set(pair.hostPath, board);
    } else {
      serialPaths.set(`emulator:${deviceId}`, board);
    }
  }
  const paths = [...serialPaths.keys()];
  const config = BridgeConfig.parse({
    hub: `mqtt://127.0.0.1:${options.hubPort}`,
    centreId: options.centreId ?? 'demo-centre',
    dataDir,
    boards: options.boards.map((b, i) => ({ deviceId: b.deviceId, password: b.password, serial: paths[i] })),
    reconnect: { initialMs: 50, maxMs: 500 },
    ...options.settings,
  });
  const openTransport: OpenTransport | undefined =
    options.via === 'transport' ? (path) => serialPaths.get(path)!.attachTransport() : undefined;
  const logs = capturingLogger();
  const bridge = new Bridge({ config, log: logs.log, ...(openTransport ? { openTransport } : {}) });
  bridge.start();
  return {
    bridge,
    dataDir,
    logs,
    device(deviceId) {
      const device = bridge.devices.find((d) => d.deviceId === deviceId);
      if (!device) throw new Error(`no device ${deviceId}`);
      return device;
    },
    async stop() {
      await withDeadline(bridge.stop(), WAIT_MS, 'the in-process bridge to stop');
      for (const cleanup of cleanups.reverse()) await withDeadline(cleanup(), WAIT_MS, 'a board attachment or PTY pair to close');
      dir?.remove();
    },
  };
}

/** Resolves once the device's board is armed (buttons set up, reporting on). */
export async function armed(device: EifdDevice): Promise<void> {
  if (!device.board.armed) await withDeadline(once(device.board, 'armed'), WAIT_MS, `the board of ${device.deviceId} to be armed`);
}

/** Resolves once the device is connected to the hub. */
export async function linked(device: EifdDevice): Promise<void> {
  if (!device.link.connected) await withDeadline(once(device.link, 'connected'), WAIT_MS, `${device.deviceId} to connect to the hub`);
}

/**
 * A citizen presses the button on `pin` and holds it until the bridge counts the
 * vote, then lets go and waits until the button may vote again: no guessing at hold
 * times, the bridge's own events are awaited.
 */
export async function pressButton(board: SimulatedFirmataBoard, device: EifdDevice, pin: number): Promise<VoteRecord> {
  const vote = once(device, 'vote') as Promise<[VoteRecord]>;
  board.setInput(pin, false);
  const [record] = await withDeadline(vote, WAIT_MS, `the vote for D${pin} of ${device.deviceId}`);
  const rearmed = new Promise<void>((resolve) => {
    const onRearmed = (rearmedPin: number) => {
      if (rearmedPin !== pin) return;
      device.off('rearmed', onRearmed);
      resolve();
    };
    device.on('rearmed', onRearmed);
  });
  board.setInput(pin, true);
  await withDeadline(rearmed, WAIT_MS, `D${pin} of ${device.deviceId} to re-arm after its release`);
  return record;
}
