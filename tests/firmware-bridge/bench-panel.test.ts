import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BenchBoard } from '../../firmware-bridge/bench-board.ts';
import { BenchPanel } from '../../firmware-bridge/bench-panel.ts';
import { DEFAULT_BOARD_PROFILE } from '../../firmware-bridge/board-profile.ts';
import { Bridge } from '../../firmware-bridge/bridge.ts';
import { BridgeConfig } from '../../firmware-bridge/config.ts';
import { armed, linked } from '../helpers/bridge-fixture.ts';
import { bridgeScenario, nextStored } from '../helpers/bridge-scenario.ts';
import { withDeadline, WAIT_MS } from '../helpers/deadline.ts';
import { capturingLogger } from '../helpers/log-capture.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const { hub, cleanups } = bridgeScenario();

/**
 * The bench board and its press panel in this process (the CLI wires the same parts:
 * tests/e2e/bridge-emulator.test.ts runs them as `huduma-bridge start --serial emulator`):
 * an emulated board on a PTY, a real Bridge on the PTY's host end, a real hub.
 */
describe('bench board: an emulated EIFD pressed over HTTP or from the keyboard', () => {
  it('a panel press is a stored vote, acknowledged on the LED; bad requests are refused with a reason', async () => {
    const h = await hub();
    const creds = h.addDevice('eifd-c05', 'c05');
    const logs = capturingLogger();
    const bench = await withDeadline(BenchBoard.open('eifd-c05', DEFAULT_BOARD_PROFILE, logs.log), WAIT_MS, 'the bench board on a PTY');
    cleanups.push(() => bench.close());
    const panel = new BenchPanel([bench], logs.log);
    cleanups.push(() => panel.close());
    const port = await panel.listen({ host: '127.0.0.1', port: 0, explicit: true });
    const dir = tempDir('huduma-bench-');
    const config = BridgeConfig.parse({ hub: `mqtt://127.0.0.1:${h.ports.mqtt}`, dataDir: dir.path, boards: [{ deviceId: creds.deviceId, password: creds.password, serial: bench.serialPath }] });
    const bridge = new Bridge({ config, log: logs.log });
    bridge.start();
    cleanups.push(async () => {
      await bridge.stop();
      dir.remove();
    });
    await armed(bridge.devices[0]!);
    await linked(bridge.devices[0]!);

    const call = async (method: string, path: string) => {
      const response = await withDeadline(fetch(`http://127.0.0.1:${port}${path}`, { method }), WAIT_MS, `the panel's answer to ${method} ${path}`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const stored = nextStored(h);
    expect(await call('POST', '/press/3?holdMs=120')).toEqual({ status: 200, body: { deviceId: 'eifd-c05', rating: 3, pin: 3, holdMs: 120, acknowledged: true } });
    expect((await stored)[0]).toMatchObject({ deviceId: 'eifd-c05', rating: 3, deviceSeq: 1 });
    expect(logs.lines().some((l) => l.msg === 'emulated LED lit' && l.rating === 3)).toBe(true);

    // Typed digits press one after another; other characters are ignored.
    const keys = new PassThrough();
    panel.readKeys(keys);
    const typed = nextStored(h, 2);
    keys.write('1x4\n');
    expect((await typed).map((p) => p.rating)).toEqual([1, 4]);

    const state = await call('GET', '/state');
    expect(state.body).toMatchObject({ boards: [{ deviceId: 'eifd-c05', serial: bench.serialPath, leds: { 1: expect.any(Number), 4: expect.any(Number) }, buzzer: expect.any(Boolean) }] });
    expect(await call('POST', '/press/0')).toMatchObject({ status: 400, body: { error: { code: 'rating_invalid' } } });
    expect(await call('POST', '/press/2?holdMs=0')).toMatchObject({ status: 400, body: { error: { code: 'hold_invalid' } } });
    expect(await call('POST', '/press/2?device=eifd-zz')).toMatchObject({ status: 404, body: { error: { code: 'device_unknown' } } });
    expect(await call('GET', '/press/2')).toMatchObject({ status: 405 });
    expect(await call('GET', '/')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(h.hub.health().ingest.pressesTotal).toBe(3);
  }, 60_000);
});
