import { FirmataBoardEmulator } from '../../hardware/firmata/board-emulator.ts';
import type { OutputChange, SimulatedFirmataBoard } from '../../hardware/firmata/simulated-board.ts';
import { openPtyPair } from '../../hardware/serial/pty-pair.ts';
import { spawnBridge, type BridgeProcess } from './bridge-process.ts';

/** The default profile's LED for each button pin (docs/wiring.md). */
const LED_OF: Record<number, number> = { 2: 6, 3: 9, 4: 10, 5: 11 };

export interface CounterHost {
  board: SimulatedFirmataBoard;
  /** The host end of the PTY: what `huduma-bridge --serial` opens. */
  serial: string;
  /** Starts `huduma-bridge start --serial <this board> ARGS` as its own process. */
  bridge(args: string[]): BridgeProcess;
  close(): Promise<void>;
}

/**
 * A counter host as a technician finds it: a board (the Firmata emulator, or real
 * firmware in avr8js) on a real PTY, and the bridge run as its own process.
 */
export async function counterHost(board: SimulatedFirmataBoard & { close(): Promise<void> } = new FirmataBoardEmulator({ firmataVersion: '2.5' })): Promise<CounterHost> {
  const pty = await openPtyPair();
  const attachment = await board.attachSerial(pty.devicePath);
  const bridges: BridgeProcess[] = [];
  return {
    board,
    serial: pty.hostPath,
    bridge(args) {
      const bridge = spawnBridge(['--serial', pty.hostPath, ...args]);
      bridges.push(bridge);
      return bridge;
    },
    async close() {
      for (const b of bridges) if (b.child.exitCode === null && b.child.signalCode === null) await b.kill('SIGKILL');
      await attachment.close();
      await board.close();
      await pty.close();
    },
  };
}

/** Holds a button until its LED shows the acknowledgment (full brightness), then lets go. */
export async function pressUntilAcknowledged(board: SimulatedFirmataBoard, pin: number): Promise<void> {
  const acknowledged = new Promise<void>((resolve) => {
    const on = (change: OutputChange) => {
      if (change.pin === LED_OF[pin] && change.high && (change.pwm === undefined || change.pwm === 255)) {
        board.off('output', on);
        resolve();
      }
    };
    board.on('output', on);
  });
  board.setInput(pin, false);
  await acknowledged;
  board.setInput(pin, true);
}
