import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openToOthersWarning } from './private-files.ts';

/**
 * A secret given to a program could not be taken: its file is unreadable or not one
 * line (`secret_unreadable`), or it was given twice (`secret_ambiguous`).
 */
export class SecretSourceError extends Error {
  readonly code: 'secret_unreadable' | 'secret_ambiguous';

  constructor(code: SecretSourceError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretSourceError';
    this.code = code;
  }
}

/**
 * Where a program looks for one secret (docs/security.md, "Secrets"). Each secret has
 * four forms; the first one present wins, in this order:
 *
 *   1. the flag itself (`--noc-token TOKEN`): kept for compatibility, visible in `ps`;
 *   2. a file flag (`--noc-token-file PATH`): the file holds the secret (one line);
 *   3. an environment variable (`HUDUMA_NOC_TOKEN`);
 *   4. a systemd credential (`$CREDENTIALS_DIRECTORY/noc-token`, from LoadCredential=).
 */
export interface SecretSpec {
  /** For messages: "the NOC token". */
  what: string;
  flag: string;
  fileFlag: string;
  env: string;
  credential: string;
}

export interface ResolvedSecret {
  value: string;
  /** Which form gave it, for the log (never the value): "--noc-token-file /etc/…", "HUDUMA_NOC_TOKEN", "systemd credential noc-token". */
  source: string;
  /** Set when the secret's file is open to group or others, naming the chmod. */
  warnings: string[];
}

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The secret from the first form given (see SecretSpec), undefined when none is. Giving
 * both the flag and the file flag is refused: two answers to one question.
 */
export function resolveSecret(spec: SecretSpec, given: { value?: string | undefined; file?: string | undefined }, env: Environment = process.env): ResolvedSecret | undefined {
  if (given.value !== undefined && given.file !== undefined) {
    throw new SecretSourceError('secret_ambiguous', `give ${spec.flag} or ${spec.fileFlag}, not both (prefer ${spec.fileFlag}: a flag's value shows in ps)`);
  }
  if (given.value !== undefined) return { value: given.value, source: spec.flag, warnings: [] };
  if (given.file !== undefined) return readSecretFile(given.file, spec, `${spec.fileFlag} ${given.file}`);
  const fromEnv = env[spec.env];
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: spec.env, warnings: [] };
  const credential = credentialPath(env, spec.credential);
  if (credential) return readSecretFile(credential, spec, `systemd credential ${spec.credential}`);
  return undefined;
}

/** `$CREDENTIALS_DIRECTORY/NAME` when systemd handed the service that credential. */
export function credentialPath(env: Environment, name: string): string | undefined {
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
    throw new SecretSourceError('secret_unreadable', `${spec.what} file ${path} (${source}) ${why}; write ${spec.what} into it on one line and chmod 600 it`, { cause: error });
  }
  // One line; the newline an editor or `echo` adds is not part of the secret.
  const value = text.replace(/\r?\n$/, '').trim();
  if (value === '' || value.includes('\n')) {
    throw new SecretSourceError('secret_unreadable', `${spec.what} file ${path} (${source}) must hold ${spec.what} on one line${value === '' ? '; it is empty' : ''}`);
  }
  const warning = openToOthersWarning(path, statSync(path).mode, `${spec.what} file`);
  return { value, source, warnings: warning ? [warning] : [] };
}
