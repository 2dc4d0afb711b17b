import { statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBridgeConfig } from '../../firmware-bridge/config.ts';
import { BridgeError } from '../../firmware-bridge/errors.ts';
import { loadPairedIdentity, pairedIdentityPath, savePairedIdentity } from '../../firmware-bridge/paired-identity.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const identity = { centreId: 'demo-centre', deviceId: 'c03-a1b2c3', counterId: 'c03', password: 'p'.repeat(43), pairedAt: '2026-12-08T08:00:00.000Z' };

function errorOf(fn: () => unknown): BridgeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof BridgeError) return error;
    throw error;
  }
  throw new Error('expected a BridgeError');
}

describe('bridge config with pairing', () => {
  const dirs: Array<{ remove(): void }> = [];
  const dataDir = () => {
    const dir = tempDir('huduma-bridge-pairing-');
    dirs.push(dir);
    return dir.path;
  };
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  it('--serial with --pair and no identity yet: pairing to do, no boards', () => {
    const dir = dataDir();
    const config = loadBridgeConfig({ serial: '/dev/ttyUSB0', pair: '123456', dataDir: dir, hub: 'mqtt://hub:1883' });
    expect(config.pairing).toEqual({ code: '123456', serial: '/dev/ttyUSB0' });
    expect(config.boards).toEqual([]);
    expect(config.hubGiven).toBe(true);
  });

  it('once paired, --serial alone drives the paired device; a leftover code is ignored', () => {
    const dir = dataDir();
    const path = savePairedIdentity(dir, identity);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(loadPairedIdentity(dir)).toEqual(identity);
    for (const flags of [{ serial: '/dev/ttyUSB0', dataDir: dir }, { serial: '/dev/ttyUSB0', dataDir: dir, pair: '999999' }]) {
      const config = loadBridgeConfig(flags);
      expect(config.pairing).toBeNull();
      expect(config.boards).toEqual([expect.objectContaining({ deviceId: 'c03-a1b2c3', password: identity.password, serial: '/dev/ttyUSB0' })]);
      expect(config.centreId).toBe('demo-centre');
      expect(config.hubGiven).toBe(false);
    }
  });

  it('refuses what cannot work, naming the fix', () => {
    const dir = dataDir();
    expect(errorOf(() => loadBridgeConfig({ pair: '123456', dataDir: dir })).message).toMatch(/--serial PATH with --pair/);
    expect(errorOf(() => loadBridgeConfig({ serial: '/dev/ttyUSB0', pair: '12345', dataDir: dir }))).toMatchObject({ code: 'config_invalid', message: expect.stringContaining('pair') });
    expect(errorOf(() => loadBridgeConfig({ serial: '/dev/ttyUSB0', dataDir: dir })).message).toMatch(/no board to drive.*--pair CODE/);
    savePairedIdentity(dir, identity);
    expect(errorOf(() => loadBridgeConfig({ dataDir: dir })).message).toMatch(/paired as device c03-a1b2c3: give --serial/);
    expect(errorOf(() => loadBridgeConfig({ serial: '/dev/ttyUSB0', dataDir: dir, centre: 'other-centre' }))).toMatchObject({ code: 'config_invalid', message: expect.stringContaining('paired with centre "demo-centre"') });
    writeFileSync(pairedIdentityPath(dir), '{"deviceId":');
    expect(errorOf(() => loadBridgeConfig({ serial: '/dev/ttyUSB0', dataDir: dir }))).toMatchObject({ code: 'config_invalid', message: expect.stringContaining('pair again') });
  });
});
