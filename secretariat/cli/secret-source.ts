import { credentialPath, resolveSecret as resolveFrom, SecretSourceError, type Environment, type ResolvedSecret, type SecretSpec } from '../../runtime/secret-sources.ts';

import { SecretariatError } from '../errors.ts';
import type { KeyFileChoice } from '../secrets/secrets-key.ts';

export type { Environment, ResolvedSecret, SecretSpec };

/**
 * The Secretariat's secrets, each in four forms without showing them in `ps` (flag,
 * file flag, environment, systemd credential: runtime/secret-sources.ts;
 * docs/security.md, "Secretariat").
 */
export const NOC_TOKEN: SecretSpec = { what: 'the NOC token', flag: '--noc-token', fileFlag: '--noc-token-file', env: 'HUDUMA_NOC_TOKEN', credential: 'noc-token' };
export const DATABASE_URL: SecretSpec = { what: 'the database URL', flag: '--database-url', fileFlag: '--database-url-file', env: 'HUDUMA_DATABASE_URL', credential: 'database-url' };

/** runtime's resolveSecret, its refusals as Secretariat errors (usage, secret_file) for the exit codes. */
export function resolveSecret(spec: SecretSpec, given: { value?: string | undefined; file?: string | undefined }, env: Environment): ResolvedSecret | undefined {
  try {
    return resolveFrom(spec, given, env);
  } catch (error) {
    if (!(error instanceof SecretSourceError)) throw error;
    throw new SecretariatError(error.code === 'secret_ambiguous' ? 'usage' : 'secret_file', error.message, { cause: error });
  }
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
