import { afterEach } from 'vitest';
import { FirmataBoardEmulator } from '../../hardware/firmata/board-emulator.ts';
import type { OutputChange, SimulatedFirmataBoard } from '../../hardware/firmata/simulated-board.ts';
import type { FeedbackPressedData } from '../../protocol/events/feedback.ts';
import { startBridge, type BridgeFixture } from './bridge-fixture.ts';
import { withDeadline, WAIT_MS } from './deadline.ts';
import { startHub, type HubFixture } from './hub-fixture.ts';

/**
 * Hubs, bridges and emulated boards for one test file, each stopped after every test
 * in reverse order of creation. Call once at the top level of a test file.
 */
export function bridgeScenario() {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    cleanups,
    async hub(options: Parameters<typeof startHub>[0] = {}): Promise<HubFixture> {
      const fixture = await startHub(options);
      cleanups.push(() => fixture.stop());
      return fixture;
    },
    async bridge(options: Parameters<typeof startBridge>[0]): Promise<BridgeFixture> {
      const fixture = await startBridge(options);
      cleanups.push(() => fixture.stop());
      return fixture;
    },
    emulator(version: '2.4' | '2.5' = '2.5'): FirmataBoardEmulator {
      const board = new FirmataBoardEmulator({ firmataVersion: version });
      cleanups.push(() => board.close());
      return board;
    },
  };
}

/** Collects every stored press the hub announces from now on. */
export function storedPresses(fixture: Pick<HubFixture, 'hub'>): FeedbackPressedData[] {
  const presses: FeedbackPressedData[] = [];
  fixture.hub.bus.on('press.stored', ({ press }) => presses.push(press));
  return presses;
}

/** Resolves with the next `count` presses the hub stores. */
export function nextStored(fixture: Pick<HubFixture, 'hub'>, count = 1, ms = WAIT_MS): Promise<FeedbackPressedData[]> {
  const stored = new Promise<FeedbackPressedData[]>((resolve) => {
    const got: FeedbackPressedData[] = [];
    const on = ({ press }: { press: FeedbackPressedData }) => {
      got.push(press);
      if (got.length === count) {
        fixture.hub.bus.off('press.stored', on);
        resolve(got);
      }
    };
    fixture.hub.bus.on('press.stored', on);
  });
  return withDeadline(stored, ms, `the hub to store ${count} press(es)`);
}

/** Records every change of a host-driven pin on the board. */
export function outputsOf(board: SimulatedFirmataBoard): OutputChange[] {
  const changes: OutputChange[] = [];
  board.on('output', (change: OutputChange) => changes.push(change));
  return changes;
}
