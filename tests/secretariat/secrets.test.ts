import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveKeyFile, resolveSecret, NOC_TOKEN } from '../../secretariat/cli/secret-source.ts';
import { SecretariatError } from '../../secretariat/errors.ts';
import { emptySealReport, LOST_SECRET, planReplaceLostKey, planSealing } from '../../secretariat/secrets/seal-plan.ts';
import { isSealed, SealOpenError, SecretBox, newSecretsKey } from '../../secretariat/secrets/secret-box.ts';
import { createSecretsKeyFile, readSecretsKeyFile, type LoadedSecretsKey } from '../../secretariat/secrets/secrets-key.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const loaded = (box: SecretBox): LoadedSecretsKey => ({ box, path: '/etc/huduma/secrets.key', from: '--secrets-key-file', created: false, warnings: [] });

function openFailure(box: SecretBox, centreId: string, stored: string): SealOpenError['failure'] | 'opened' {
  try {
    box.open(centreId, stored);
    return 'opened';
  } catch (error) {
    return (error as SealOpenError).failure;
  }
}

describe('SecretBox (AES-256-GCM, centre id as associated data)', () => {
  const box = new SecretBox(newSecretsKey());
  const other = new SecretBox(newSecretsKey());

  it('opens what it sealed, only for the same centre and key, and never in plaintext', () => {
    const sealed = box.seal('nairobi-gpo', 'the-hmac-secret');
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('the-hmac-secret');
    expect(box.seal('nairobi-gpo', 'the-hmac-secret')).not.toBe(sealed); // a fresh IV each time
    expect(box.open('nairobi-gpo', sealed)).toBe('the-hmac-secret');
    expect(openFailure(box, 'kisumu', sealed)).toBe('corrupt');
    expect(openFailure(other, 'nairobi-gpo', sealed)).toBe('other_key');
    const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.at(-1);
    expect(openFailure(box, 'nairobi-gpo', flipped)).toBe('corrupt');
    expect(openFailure(box, 'nairobi-gpo', 'plaintext-secret')).toBe('not_sealed');
    expect(isSealed('Zx_9-generatedSecretOfBase64urlCharacters00')).toBe(false);
    expect(box.matchesKeyCheck(box.keyCheck())).toBe(true);
    expect(other.matchesKeyCheck(box.keyCheck())).toBe(false);
  });

  it('plans: seal plaintext, keep what opens, refuse a key that is not the database’s, report what cannot be used', () => {
    const key = loaded(box);
    const stale = other.seal('c3', 's3');
    const report = emptySealReport();
    const update = planSealing({ keyCheck: null, centres: [{ centreId: 'c1', secret: 'plain-1' }, { centreId: 'c2', secret: box.seal('c2', 's2') }, { centreId: 'c4', secret: LOST_SECRET }] }, key, report);
    expect(box.matchesKeyCheck(update.keyCheck!)).toBe(true);
    expect(update.secrets!.map((s) => [s.centreId, box.open(s.centreId, s.secret)])).toEqual([['c1', 'plain-1']]);
    expect(report).toEqual({ sealedNow: ['c1'], unusable: [{ centreId: 'c4', why: expect.stringMatching(/lost/) }] });

    expect(() => planSealing({ keyCheck: other.keyCheck(), centres: [] }, key, emptySealReport())).toThrow(/sealed with key [0-9a-f]{16}, but \/etc\/huduma\/secrets\.key \(--secrets-key-file\) holds key/);
    const mixed = emptySealReport();
    expect(planSealing({ keyCheck: box.keyCheck(), centres: [{ centreId: 'c3', secret: stale }] }, key, mixed)).toEqual({ secrets: [] });
    expect(mixed.unusable).toEqual([{ centreId: 'c3', why: `its secret is sealed with another key (${other.keyId})` }]);

    const lost = emptySealReport();
    const replaced = planReplaceLostKey({ keyCheck: other.keyCheck(), centres: [{ centreId: 'c3', secret: stale }, { centreId: 'c5', secret: 'plain-5' }] }, key, lost);
    expect(box.matchesKeyCheck(replaced.keyCheck!)).toBe(true);
    expect(replaced.secrets!.find((s) => s.centreId === 'c3')!.secret).toBe(LOST_SECRET);
    expect(box.open('c5', replaced.secrets!.find((s) => s.centreId === 'c5')!.secret)).toBe('plain-5');
    expect(lost.unusable.map((u) => u.centreId)).toEqual(['c3']);
  });
});

describe('key files and secret files', () => {
  const dir = tempDir('huduma-secretariat-keys-');
  afterAll(() => dir.remove());

  it('creates a key file 0600 once, never over another, and reads it back', () => {
    const path = join(dir.path, 'nested', 'secrets.key');
    const created = createSecretsKeyFile(path)!;
    expect(created.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(createSecretsKeyFile(path)).toBeUndefined();
    const read = readSecretsKeyFile({ path, from: 'test' });
    expect(read.box.keyId).toBe(created.keyId);
    expect(read.warnings).toEqual([]);
    chmodSync(path, 0o640);
    expect(readSecretsKeyFile({ path, from: 'test' }).warnings).toEqual([`the centre secrets key file ${path} can be read by other users (mode 0640); run: chmod 600 ${path}`]);
    writeFileSync(join(dir.path, 'bad.key'), 'not a key\n');
    expect(() => readSecretsKeyFile({ path: join(dir.path, 'bad.key'), from: 'test' })).toThrow(/does not hold a key: expected 32 bytes/);
    expect(() => readSecretsKeyFile({ path: join(dir.path, 'none.key'), from: 'HUDUMA_SECRETARIAT_KEY_FILE' })).toThrow(/none\.key \(from HUDUMA_SECRETARIAT_KEY_FILE\) does not exist.*key create/);
  });

  it('resolves a secret from flag, then file, then environment, then credential', () => {
    const file = join(dir.path, 'token');
    writeFileSync(file, 'from-the-file\r\n', { mode: 0o600 });
    const credentials = join(dir.path, 'creds');
    createSecretsKeyFile(join(credentials, 'secrets-key'));
    writeFileSync(join(credentials, 'noc-token'), 'from-the-credential', { mode: 0o400 });
    const env = { HUDUMA_NOC_TOKEN: 'from-the-env', CREDENTIALS_DIRECTORY: credentials };
    expect(resolveSecret(NOC_TOKEN, { value: 'from-the-flag' }, env)).toMatchObject({ value: 'from-the-flag', source: '--noc-token' });
    expect(resolveSecret(NOC_TOKEN, { file }, env)).toMatchObject({ value: 'from-the-file', source: `--noc-token-file ${file}` });
    expect(resolveSecret(NOC_TOKEN, {}, env)).toMatchObject({ value: 'from-the-env', source: 'HUDUMA_NOC_TOKEN' });
    expect(resolveSecret(NOC_TOKEN, {}, { CREDENTIALS_DIRECTORY: credentials })).toMatchObject({ value: 'from-the-credential', source: 'systemd credential noc-token' });
    expect(resolveSecret(NOC_TOKEN, {}, {})).toBeUndefined();
    expect(() => resolveSecret(NOC_TOKEN, { value: 'a', file }, {})).toThrow(SecretariatError);
    writeFileSync(join(dir.path, 'empty'), '\n');
    expect(() => resolveSecret(NOC_TOKEN, { file: join(dir.path, 'empty') }, {})).toThrow(/must hold the NOC token on one line; it is empty/);
    expect(resolveKeyFile(undefined, { CREDENTIALS_DIRECTORY: credentials })).toEqual({ path: join(credentials, 'secrets-key'), from: 'systemd credential secrets-key' });
    expect(resolveKeyFile(undefined, { HUDUMA_SECRETARIAT_KEY_FILE: '/k', CREDENTIALS_DIRECTORY: credentials })).toEqual({ path: '/k', from: 'HUDUMA_SECRETARIAT_KEY_FILE' });
    expect(resolveKeyFile('/f', { HUDUMA_SECRETARIAT_KEY_FILE: '/k' })).toEqual({ path: '/f', from: '--secrets-key-file' });
  });
});
