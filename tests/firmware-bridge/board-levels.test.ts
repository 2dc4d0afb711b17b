import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { VoteRecord } from '../../firmware-bridge/eifd-device.ts';
import { armed } from '../helpers/bridge-fixture.ts';
import { bridgeScenario } from '../helpers/bridge-scenario.ts';
import { freePort } from '../helpers/hub-process.ts';
import { withDeadline } from '../helpers/deadline.ts';

const { bridge, emulator } = bridgeScenario();

/**
 * Issue 14: a citizen lets go of D5 and, in the same instant, presses D2. Both buttons
 * sit in Firmata port 0 (D0–D7), so the board reports the two changes in one port report
 * (or in two reports a millisecond apart). firmata-io hands the pins of a report on in
 * pin order (D2's press before D5's release) and johnny-five's per-button filter may
 * swap edges of different buttons further, so the bridge may see D2 go down while D5
 * still reads held. That press must count: it is not a palm on the panel.
 */
describe('board levels: two buttons of one port changing together', () => {
  for (const how of ['one port report', 'two reports in the same tick'] as const) {
    it(`a press that begins as the previous button is released is a vote (${how})`, async () => {
      const board = emulator();
      const b = await bridge({ hubPort: await freePort(), via: 'transport', boards: [{ deviceId: 'eifd-c01', password: 'x'.repeat(24), board }] });
      const device = b.device('eifd-c01');
      await withDeadline(armed(device), 10_000, 'board armed');
      const first = once(device, 'vote') as Promise<[VoteRecord]>;
      board.setInput(5, false);
      const [d5] = await withDeadline(first, 5_000, 'vote for D5');
      expect(d5.press.rating).toBe(1);
      const second = once(device, 'vote') as Promise<[VoteRecord]>;
      if (how === 'one port report') {
        board.setInputs([
          [5, true],
          [2, false],
        ]);
      } else {
        board.setInput(5, true);
        board.setInput(2, false);
      }
      const [d2] = await withDeadline(second, 5_000, 'vote for D2, pressed as D5 was released');
      expect(d2.press).toMatchObject({ rating: 4, seq: 2 });
      board.setInput(2, true);
    });
  }

  it('passes every edge on in the order the board sent it, and a report\'s releases before its presses', async () => {
    const board = emulator();
    const b = await bridge({ hubPort: await freePort(), via: 'transport', boards: [{ deviceId: 'eifd-c02', password: 'x'.repeat(24), board }] });
    const device = b.device('eifd-c02');
    await withDeadline(armed(device), 10_000, 'board armed');
    const levels: string[] = [];
    device.board.on('level', (pin, down) => levels.push(`D${pin} ${down ? 'down' : 'up'}`));
    // Separate reports in one tick, faster than johnny-five's 7 ms filter would pass them.
    board.setInput(3, false);
    board.setInput(4, false);
    board.setInput(3, true);
    board.setInput(4, true);
    // One report: D5 let go as D2 is pressed (firmata-io walks the pins D2 first).
    board.setInput(5, false);
    board.setInputs([
      [5, true],
      [2, false],
    ]);
    board.setInput(2, true);
    const want = ['D3 down', 'D4 down', 'D3 up', 'D4 up', 'D5 down', 'D5 up', 'D2 down', 'D2 up'];
    // On a deadline, the comparison below shows what did arrive.
    await withDeadline(
      new Promise<void>((resolve) => device.board.on('level', () => levels.length >= want.length && resolve())),
      5_000,
      `${want.length} button levels`,
    ).catch(() => undefined);
    expect(levels).toEqual(want);
  });
});
