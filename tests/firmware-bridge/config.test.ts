import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBridgeConfig } from '../../firmware-bridge/config.ts';
import { BridgeError } from '../../firmware-bridge/errors.ts';
import { BRIDGE_BIN } from '../helpers/bridge-process.ts';
import { REPO_ROOT } from '../helpers/hub-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const dirs: { path: string; remove(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

function configFile(body: unknown): string {
  const dir = tempDir('huduma-bridge-config-');
  dirs.push(dir);
  const path = join(dir.path, 'bridge.json');
  writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
  return path;
}

function errorOf(fn: () => unknown): BridgeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof BridgeError) return error;
    throw error;
  }
  throw new Error('expected a BridgeError');
}

const board = { deviceId: 'eifd-c01', password: 'Sup3r-Secret_value', serial: '/dev/ttyUSB0' };

describe('bridge config', () => {
  it('flags describe one board with the default wiring and defaults for the rest', () => {
    const config = loadBridgeConfig({ serial: '/dev/ttyUSB0', device: 'eifd-c01', password: 'pw', hub: 'mqtt://10.0.0.2:1883' });
    expect(config.boards).toEqual([{ deviceId: 'eifd-c01', password: 'pw', serial: '/dev/ttyUSB0', profile: expect.objectContaining({ buzzer: 8, pullups: 'internal' }) }]);
    expect(config.boards[0]!.profile.buttons.map((b) => [b.pin, b.rating])).toEqual([[2, 4], [3, 3], [4, 2], [5, 1]]);
    expect(config.reconnect.maxMs).toBe(5000);
    expect(config).toMatchObject({ centreId: 'demo-centre', dataDir: 'data/bridge', debounceMs: 45, lockoutMs: 2500, queue: { whenFull: 'drop-oldest' } });
  });

  it('names the field and never echoes the password', () => {
    const error = errorOf(() => loadBridgeConfig({ config: configFile({ hub: 'http://hub:80', boards: [{ ...board, deviceId: 'Bad Id', password: 7 }], debounceMs: 5, queue: { whenFull: 'shrug' } }) }));
    expect(error.code).toBe('config_invalid');
    for (const field of ['hub:', 'boards[0].deviceId', 'boards[0].password', 'debounceMs', 'queue.whenFull']) expect(error.message).toContain(field);
    expect(error.message).not.toContain('Sup3r');
  });

  it('refuses wiring that cannot work: a pin used twice, a rating twice, a digital output sharing the buttons’ Firmata port', () => {
    const profile = (p: object) => loadBridgeConfig({ config: configFile({ boards: [{ ...board, profile: { buttons: [{ pin: 2, rating: 4, led: 6 }, { pin: 3, rating: 3, led: 9 }], buzzer: 8, pullups: 'internal', ...p } }] }) });
    expect(errorOf(() => profile({ buzzer: 3 })).message).toMatch(/boards\[0\]\.profile\.buzzer: pin D3 is already used by button 1/);
    expect(errorOf(() => profile({ buttons: [{ pin: 2, rating: 4, led: 6 }, { pin: 3, rating: 4, led: 9 }] })).message).toMatch(/each rating may be on one button only/);
    expect(errorOf(() => profile({ buzzer: 7 })).message).toMatch(/D7 shares Firmata port 0 with a button/);
    // With external pull-up resistors the port write is harmless.
    expect(() => profile({ buzzer: 7, pullups: 'external' })).not.toThrow();
  });

  it('half the one-board flags, a missing file, duplicate devices: each a clear error', () => {
    expect(errorOf(() => loadBridgeConfig({ serial: '/dev/ttyUSB0' })).code).toBe('usage');
    expect(errorOf(() => loadBridgeConfig({})).message).toMatch(/no board to drive/);
    expect(errorOf(() => loadBridgeConfig({ config: '/nonexistent/bridge.json' })).code).toBe('config_unreadable');
    expect(errorOf(() => loadBridgeConfig({ config: configFile('{ not json') })).code).toBe('config_unreadable');
    expect(errorOf(() => loadBridgeConfig({ config: configFile({ boards: [board, board] }) })).message).toMatch(/device "eifd-c01" is listed twice/);
  });

  it('npx huduma-bridge: exit 78 for an invalid config, 64 for bad usage, messages on stderr', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(process.execPath, [BRIDGE_BIN, ...args], { cwd: REPO_ROOT }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr })),
      );
    const invalid = await run(['start', '--config', configFile({ boards: [{ ...board, serial: '' }] })]);
    expect(invalid).toMatchObject({ code: 78, stdout: '' });
    expect(invalid.stderr).toContain('boards[0].serial');
    const usage = await run(['start', '--bogus']);
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain('unknown flag --bogus; the flags here are');
  });

  it('runs as `npx --no-install huduma-bridge` with no build step (process contract)', async () => {
    const version = await new Promise<string>((resolve, reject) =>
      execFile('npx', ['--no-install', 'huduma-bridge', '--version'], { cwd: REPO_ROOT }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    expect(version.trim()).toMatch(/^huduma-bridge\/\d+\.\d+\.\d+$/);
  });
});
