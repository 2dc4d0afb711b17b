import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SecretariatError } from '../errors.ts';
import { openToOthersWarning } from '../../runtime/private-files.ts';
import { newSecretsKey, SecretBox, SECRETS_KEY_BYTES } from './secret-box.ts';

/**
 * The key that seals centre secrets at rest, kept OUTSIDE the database it protects
 * (docs/security.md, "Secretariat"). A file holding 32 random bytes as base64url text
 * (64 hex digits are accepted too), mode 0600.
 *
 * Where it comes from: an explicit file (--secrets-key-file, HUDUMA_SECRETARIAT_KEY_FILE
 * or the systemd credential `secrets-key`), or, for the SQLite default only,
 * DATA_DIR/secretariat.key, created on first use next to (not inside) the database.
 * Postgres never gets a generated key: several receivers share that database and must
 * all be given the same key.
 */
export const DEFAULT_SECRETS_KEY_FILE = 'secretariat.key';

export const KEY_FLAGS_HINT = '--secrets-key-file PATH (or HUDUMA_SECRETARIAT_KEY_FILE=PATH, or systemd LoadCredential=secrets-key:PATH)';

/** Where an explicit key file came from, for messages: "--secrets-key-file", "HUDUMA_SECRETARIAT_KEY_FILE", … */
export interface KeyFileChoice {
  path: string;
  from: string;
}

export interface LoadedSecretsKey {
  box: SecretBox;
  path: string;
  /** How the operator named it; "default" for DATA_DIR/secretariat.key. */
  from: string;
  created: boolean;
  warnings: string[];
}

export function defaultSecretsKeyPath(dataDir: string): string {
  return join(dataDir, DEFAULT_SECRETS_KEY_FILE);
}

/** Reads a key file; every failure says which file, where its name came from and the fix. */
export function readSecretsKeyFile(choice: KeyFileChoice): LoadedSecretsKey {
  let text: string;
  try {
    text = readFileSync(choice.path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable by this user' : `cannot be read (${(error as Error).message})`;
    throw new SecretariatError(
      'secrets_key',
      `the centre secrets key file ${choice.path} (from ${choice.from}) ${why}. ` +
        `Restore it from your backup; if this is a new installation, create one with "huduma-secretariat key create ${choice.path}" ` +
        '(docs/security.md, "Secretariat")',
      { cause: error },
    );
  }
  const key = parseKey(text.trim());
  if (!key) {
    throw new SecretariatError('secrets_key', `the centre secrets key file ${choice.path} (from ${choice.from}) does not hold a key: expected ${SECRETS_KEY_BYTES} bytes as 43 base64url characters (what "huduma-secretariat key create" writes) or 64 hex digits`);
  }
  const warning = openToOthersWarning(choice.path, statSync(choice.path).mode, 'the centre secrets key file');
  return { box: new SecretBox(key), path: choice.path, from: choice.from, created: false, warnings: warning ? [warning] : [] };
}

/**
 * Creates a new key file, mode 0600, atomically and never over an existing file: the
 * key is written to a temporary name and hard-linked into place, so a reader never sees
 * half a key and two processes creating it at once agree on one (the loser reads the
 * winner's). Returns undefined when the file already existed.
 */
export function createSecretsKeyFile(path: string): SecretBox | undefined {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = newSecretsKey();
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, `${key.toString('base64url')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, path);
    return new SecretBox(key);
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') return undefined;
    throw new SecretariatError('secrets_key', `cannot create the centre secrets key file ${path}: ${(error as Error).message}`, { cause: error });
  } finally {
    unlinkSync(temporary);
  }
}

function parseKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9_-]{43}=?$/.test(text)) {
    const key = Buffer.from(text, 'base64url');
    return key.length === SECRETS_KEY_BYTES ? key : undefined;
  }
  return undefined;
}
