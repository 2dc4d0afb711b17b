import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOpenToOthers } from './private-files.ts';

/** A secret named on a command line could not be read from where it was said to be. */
export class SecretSourceError extends Error {
  readonly code = 'secret_unreadable';
}

/** Where a program looks for one secret, besides its flag (docs/security.md, "Secrets"). */
export interface SecretSpec {
  /** The flag that takes the secret itself, e.g. `--secretariat-secret`; `${flag}-file` takes a path. */
  flag: string;
  /** The environment variable, e.g. `HUDUMA_SECRETARIAT_SECRET`. */
  env: string;
  /** The file name under `$CREDENTIALS_DIRECTORY` (systemd `LoadCredential=`). */
  credential: string;
}

export interface ResolvedSecret {
  value: string;
  source: 'flag' | 'file' | 'env' | 'credential';
  /** Set when the secret's file is open to group or others. */
  warning?: string;
}

/**
 * A secret from the first of: its flag (visible in `ps`: kept for compatibility and
 * the demo), `${flag}-file PATH`, the environment, systemd's credentials directory.
 * Files are read whole, one trailing newline dropped. Undefined when none is given.
 */
export function resolveSecret(spec: SecretSpec, given: { value?: string | undefined; file?: string | undefined }, env: NodeJS.ProcessEnv = process.env): ResolvedSecret | undefined {
  if (given.value !== undefined) return { value: given.value, source: 'flag' };
  if (given.file !== undefined) return fromFile(given.file, `${spec.flag}-file`, 'file');
  const fromEnv = env[spec.env];
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: 'env' };
  const credentials = env.CREDENTIALS_DIRECTORY;
  if (credentials) {
    const path = join(credentials, spec.credential);
    try {
      return fromFile(path, `credential ${spec.credential}`, 'credential');
    } catch (error) {
      if ((error as { cause?: { code?: string } }).cause?.code !== 'ENOENT') throw error;
    }
  }
  return undefined;
}

function fromFile(path: string, what: string, source: 'file' | 'credential'): ResolvedSecret {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SecretSourceError(`${what}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check the path and that this user may read it`, { cause: error });
  }
  const value = text.replace(/\r?\n$/, '');
  if (value === '' || /[\r\n]/.test(value)) throw new SecretSourceError(`${what}: ${path} must hold the secret alone on one line`);
  const warning = isOpenToOthers(path) ? `${path} is readable by group or others; chmod 600 ${path}` : undefined;
  return { value, source, ...(warning && { warning }) };
}
