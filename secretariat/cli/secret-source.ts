import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SecretariatError } from '../errors.ts';
import { groupOrOtherWarning } from '../secrets/file-modes.ts';
import type { KeyFileChoice } from '../secrets/secrets-key.ts';

/**
 * Secrets given to the Secretariat's commands without showing them in `ps`
 * (docs/security.md, "Secretariat"). Each secret has four forms; the first one present
 * wins, in this order:
 *
 *   1. the flag itself (`--noc-token TOKEN`): kept for compatibility, visible in `ps`;
 *   2. a file flag (`--noc-token-file PATH`): the file holds the secret (one line);
 *   3. an environment variable (`HUDUMA_NOC_TOKEN`);
 *   4. a systemd credential (`$CREDENTIALS_DIRECTORY/noc-token`, from LoadCredential=).
 *
 * Giving both 1 and 2 is a usage error (two answers to one question). A file readable
 * by group or others gets a warning naming the chmod fix. The value is never logged;
 * `source` (which form was used) is.
 */
export interface SecretSpec {
  /** For messages: "the NOC token". */
  what: string;
  flag: string;
  fileFlag: string;
  env: string;
  credential: string;
}

export const NOC_TOKEN: SecretSpec = { what: 'the NOC token', flag: '--noc-token', fileFlag: '--noc-token-file', env: 'HUDUMA_NOC_TOKEN', credential: 'noc-token' };
export const DATABASE_URL: SecretSpec = { what: 'the database URL', flag: '--database-url', fileFlag: '--database-url-file', env: 'HUDUMA_DATABASE_URL', credential: 'database-url' };

export interface ResolvedSecret {
  value: string;
  /** Which form gave it: "--noc-token-file /etc/…", "HUDUMA_NOC_TOKEN", "systemd credential noc-token". */
  source: string;
  warnings: string[];
}

export type Environment = Readonly<Record<string, string | undefined>>;

export function resolveSecret(spec: SecretSpec, given: { value?: string | undefined; file?: string | undefined }, env: Environment): ResolvedSecret | undefined {
  if (given.value !== undefined && given.file !== undefined) {
    throw new SecretariatError('usage', `give ${spec.flag} or ${spec.fileFlag}, not both (prefer ${spec.fileFlag}: a flag's value shows in ps)`);
  }
  if (given.value !== undefined) return { value: given.value, source: spec.flag, warnings: [] };
  if (given.file !== undefined) return readSecretFile(given.file, spec, `${spec.fileFlag} ${given.file}`);
  const fromEnv = env[spec.env];
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: spec.env, warnings: [] };
  const credential = credentialPath(env, spec.credential);
  if (credential) return readSecretFile(credential, spec, `systemd credential ${spec.credential}`);
  return undefined;
}

/**
 * The centre secrets key file (a path, not a secret: the key stays in its file):
 * --secrets-key-file, then HUDUMA_SECRETARIAT_KEY_FILE, then the systemd credential
 * `secrets-key`. Undefined: the store's default (SQLite: DATA_DIR/secretariat.key).
 */
export function resolveKeyFile(flagValue: string | undefined, env: Environment): KeyFileChoice | undefined {
  if (flagValue !== undefined) return { path: flagValue, from: '--secrets-key-file' };
  const fromEnv = env.HUDUMA_SECRETARIAT_KEY_FILE;
  if (fromEnv) return { path: fromEnv, from: 'HUDUMA_SECRETARIAT_KEY_FILE' };
  const credential = credentialPath(env, 'secrets-key');
  return credential ? { path: credential, from: 'systemd credential secrets-key' } : undefined;
}

function credentialPath(env: Environment, name: string): string | undefined {
  const dir = env.CREDENTIALS_DIRECTORY;
  if (!dir) return undefined;
  const path = join(dir, name);
  return existsSync(path) ? path : undefined;
}

function readSecretFile(path: string, spec: SecretSpec, source: string): ResolvedSecret {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable by this user' : `cannot be read (${(error as Error).message})`;
    throw new SecretariatError('secret_file', `${spec.what} file ${path} (${source}) ${why}; write ${spec.what} into it on one line and chmod 600 it`, { cause: error });
  }
  // One line; the newline an editor or `echo` adds is not part of the secret.
  const value = text.replace(/\r?\n$/, '').trim();
  if (value === '' || value.includes('\n')) {
    throw new SecretariatError('secret_file', `${spec.what} file ${path} (${source}) must hold ${spec.what} on one line${value === '' ? '; it is empty' : ''}`);
  }
  const warning = groupOrOtherWarning(path, statSync(path).mode, `${spec.what} file`);
  return { value, source, warnings: warning ? [warning] : [] };
}
