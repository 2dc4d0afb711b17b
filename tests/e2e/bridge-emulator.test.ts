import { afterAll, describe, expect, it } from 'vitest';
import type { FeedbackPressedData } from '../../protocol/events/feedback.ts';
import { spawnBridge, type BridgeProcess } from '../helpers/bridge-process.ts';
import { START_MS, withDeadline, WAIT_MS } from '../helpers/deadline.ts';
import { startHub } from '../helpers/hub-fixture.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * Issue 14 item 9: a bench or training board without an Arduino. `huduma-bridge start
 * --serial emulator` serves the behaving board emulator on a PTY (socat) and drives it
 * through its ordinary serial path; a press made over the HTTP panel or typed on the
 * bridge's terminal reaches a real hub as a stored press, and the panel reports the
 * acknowledgment the board showed.
 */
describe('huduma-bridge start --serial emulator', () => {
  const dir = tempDir('huduma-bridge-emulator-');
  afterAll(() => dir.remove());

  it('presses from the HTTP panel and the keyboard are stored by a real hub, acknowledged on the emulated LEDs', async () => {
    const hub = await startHub({ dataDir: `${dir.path}/hub` });
    const creds = hub.addDevice('eifd-c03', 'c03');
    const stored: FeedbackPressedData[] = [];
    const waiters: (() => void)[] = [];
    hub.hub.bus.on('press.stored', ({ press }) => {
      stored.push(press);
      waiters.splice(0).forEach((wake) => wake());
    });
    const storedCount = (n: number, what: string) =>
      withDeadline(
        new Promise<void>((resolve) => {
          const check = () => (stored.length >= n ? resolve() : waiters.push(check));
          check();
        }),
        WAIT_MS,
        what,
      );
    const args = ['--serial', 'emulator', '--press-port', '0', '--hub', `mqtt://127.0.0.1:${hub.ports.mqtt}`, '--device', creds.deviceId, '--password', creds.password, '--data-dir', `${dir.path}/bridge`];
    const bridge: BridgeProcess = spawnBridge(args, { stdin: 'pipe' });
    try {
      // A process start (node, the TypeScript loader, socat): generous on a busy box.
      const ready = await bridge.logged('emulated board ready: POST /press/{rating} to press a button', START_MS);
      const url = ready.url as string;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(ready.boards).toEqual([{ deviceId: 'eifd-c03', serial: expect.stringMatching(/host$/) }]);
      await bridge.logged('board armed', START_MS);
      await bridge.logged('connected to the hub', START_MS);

      const answer = await withDeadline(fetch(`${url}/press/4`, { method: 'POST' }), WAIT_MS, 'the panel to answer POST /press/4');
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ deviceId: 'eifd-c03', rating: 4, pin: 2, holdMs: 250, acknowledged: true });
      await storedCount(1, 'the hub to store the press made over HTTP');
      expect(stored[0]).toMatchObject({ deviceId: 'eifd-c03', counterId: 'c03', rating: 4, deviceSeq: 1 });

      // Typed on the bridge's terminal: the digit is the rating.
      bridge.child.stdin!.write('2\n');
      await storedCount(2, 'the hub to store the press typed as "2"');
      expect(stored[1]).toMatchObject({ deviceId: 'eifd-c03', rating: 2, deviceSeq: 2 });
      await bridge.logged('emulated press done');

      const state = (await (await withDeadline(fetch(`${url}/state`), WAIT_MS, 'the panel to answer GET /state')).json()) as { boards: { leds: Record<string, number> }[] };
      expect(Object.keys(state.boards[0]!.leds).sort()).toEqual(['1', '2', '3', '4']);
      const refused = await withDeadline(fetch(`${url}/press/7`, { method: 'POST' }), WAIT_MS, 'the panel to answer POST /press/7');
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: { code: 'rating_invalid' } });
      expect(hub.hub.health().ingest.pressesTotal).toBe(2);
    } finally {
      expect(await bridge.kill('SIGTERM')).toBe(0);
      await hub.stop();
    }
  }, 120_000);
});
