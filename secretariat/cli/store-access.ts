import { SecretariatError } from '../errors.ts';
import type { SealedSecretsStore } from '../secrets/sealed-store.ts';
import type { KeyFileChoice } from '../secrets/secrets-key.ts';
import { openSecretariatStore } from '../store/open-store.ts';
import type { CliIo } from '../../runtime/cli.ts';
import { DATABASE_URL, resolveKeyFile, resolveSecret, type Environment } from './secret-source.ts';

export const DEFAULT_DATA_DIR = './data/secretariat';

/** The flags of every command that opens the store. */
export const STORE_FLAGS = {
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  'database-url-file': { type: 'string' },
  'secrets-key-file': { type: 'string' },
} as const;

export const STORE_USAGE = '[--data-dir DIR | --database-url URL | --database-url-file PATH] [--secrets-key-file PATH]';

export interface StoreChoice {
  dataDir: string;
  databaseUrl?: string;
  /** Which form gave the database URL (never the URL). */
  databaseUrlSource?: string;
  secretsKeyFile?: KeyFileChoice;
  warnings: string[];
}

/**
 * Which store a command means: SQLite under --data-dir, or Postgres when a database URL
 * comes in any of its forms (cli/secret-source.ts). A data dir named together with a
 * database URL is a mistake, whichever form the URL came in: the message says which.
 */
export function chooseStore(
  values: { 'data-dir'?: string; 'database-url'?: string; 'database-url-file'?: string; 'secrets-key-file'?: string },
  env: Environment,
  usage: string,
  options: { dataDirWithUrl?: boolean } = {},
): StoreChoice {
  const url = resolveSecret(DATABASE_URL, { value: values['database-url'], file: values['database-url-file'] }, env);
  // `start` has always taken both (the data dir is then unused); the other commands refuse.
  if (values['data-dir'] !== undefined && url !== undefined && !options.dataDirWithUrl) {
    throw new SecretariatError('usage', `give --data-dir or a database URL, not both (the database URL came from ${url.source})\n\nusage: ${usage}`);
  }
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url.value)) {
    throw new SecretariatError('usage', `the database URL (from ${url.source}) must be a Postgres URL (postgres://USER:PASSWORD@HOST:PORT/DB); leave it out for SQLite under --data-dir`);
  }
  const secretsKeyFile = resolveKeyFile(values['secrets-key-file'], env);
  return {
    dataDir: values['data-dir'] ?? DEFAULT_DATA_DIR,
    ...(url ? { databaseUrl: url.value, databaseUrlSource: url.source } : {}),
    ...(secretsKeyFile ? { secretsKeyFile } : {}),
    warnings: url?.warnings ?? [],
  };
}

/**
 * Opens the chosen store, runs `fn`, and always closes it. Short-lived: the running
 * receiver reads centres per request, so a change made here is seen at once. Warnings
 * (file permissions, centres without a usable secret) go to stderr.
 */
export async function withStore<T>(choice: StoreChoice, io: CliIo, fn: (store: SealedSecretsStore) => Promise<T>, options: { replaceLostKey?: boolean } = {}): Promise<T> {
  const store = await openSecretariatStore({
    dataDir: choice.dataDir,
    ...(choice.databaseUrl === undefined ? {} : { databaseUrl: choice.databaseUrl }),
    ...(choice.secretsKeyFile === undefined ? {} : { secretsKeyFile: choice.secretsKeyFile }),
    ...(options.replaceLostKey ? { replaceLostKey: true } : {}),
  });
  try {
    for (const warning of [...choice.warnings, ...store.secrets.warnings]) io.stderr.write(`huduma-secretariat: warning: ${warning}\n`);
    return await fn(store);
  } finally {
    await store.close();
  }
}
