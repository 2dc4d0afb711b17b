import { existsSync } from 'node:fs';
import { SecretariatError } from '../errors.ts';
import { emptySealReport, planReplaceLostKey, planSealing, sealedWith } from '../secrets/seal-plan.ts';
import { SealedSecretsStore } from '../secrets/sealed-store.ts';
import {
  createSecretsKeyFile, defaultSecretsKeyPath, KEY_FLAGS_HINT, readSecretsKeyFile, type KeyFileChoice, type LoadedSecretsKey,
} from '../secrets/secrets-key.ts';
import { PostgresSecretariatStore, redactDatabaseUrl } from './postgres-store.ts';
import { SqliteSecretariatStore } from './sqlite-store.ts';
import { StoreError, type SecretariatStore } from './store.ts';

export interface OpenStoreOptions {
  /** Where `secretariat.db` lives when no database URL is given. */
  dataDir: string;
  /** `postgres://` or `postgresql://`: use that Postgres database instead of SQLite. */
  databaseUrl?: string;
  /**
   * The centre secrets key file, when the operator named one. Without it, SQLite uses
   * DATA_DIR/secretariat.key (created on first use); Postgres refuses to start.
   */
  secretsKeyFile?: KeyFileChoice;
  /** `key replace-lost`: adopt this key; secrets sealed with another become unusable until rotated. */
  replaceLostKey?: boolean;
}

/**
 * Opens the configured store, runs its migrations and seals the centre secrets it holds
 * (docs/security.md, "Secretariat"): the returned store seals what it is given and
 * opens what it is asked for. A URL of any other scheme is a configuration error,
 * reported (like every store failure here) as `store_unavailable` with the URL's
 * password redacted: these messages reach logs and terminals. Key problems are
 * `secrets_key` errors naming the flag and the fix.
 */
export async function openSecretariatStore(options: OpenStoreOptions): Promise<SealedSecretsStore> {
  const { databaseUrl } = options;
  let store: SecretariatStore;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    throw new StoreError('store_unavailable', `unsupported database URL ${redactDatabaseUrl(databaseUrl)}: expected postgres:// or postgresql:// (or none, for SQLite under the data dir)`);
  }
  if (databaseUrl !== undefined && options.secretsKeyFile === undefined) {
    throw new SecretariatError(
      'secrets_key',
      `with --database-url the centre secrets key must be given: ${KEY_FLAGS_HINT}. Every receiver on that database needs the same key, ` +
        'so none is generated; create one once with "huduma-secretariat key create PATH" and install it on each receiver (docs/security.md, "Secretariat")',
    );
  }
  // An explicit key is read before anything is opened: a wrong path fails at once.
  let key = options.secretsKeyFile ? readSecretsKeyFile(options.secretsKeyFile) : undefined;
  store = databaseUrl === undefined ? new SqliteSecretariatStore({ dataDir: options.dataDir }) : new PostgresSecretariatStore({ connectionString: databaseUrl });
  try {
    await store.init();
  } catch (error) {
    await store.close().catch(() => {});
    const where = databaseUrl === undefined ? options.dataDir : redactDatabaseUrl(databaseUrl);
    const message = error instanceof Error ? error.message : String(error);
    throw new StoreError('store_unavailable', `cannot open the Secretariat store at ${where}: ${message}`, { cause: error });
  }
  try {
    key ??= await defaultSqliteKey(store, options);
    const loaded = key;
    const report = emptySealReport();
    await store.updateSecrets((stored) => (options.replaceLostKey ? planReplaceLostKey(stored, loaded, report) : planSealing(stored, loaded, report)));
    return new SealedSecretsStore(store, loaded, report);
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
}

/** DATA_DIR/secretariat.key: read, or made on first use, but never made anew for a database already sealed. */
async function defaultSqliteKey(store: SecretariatStore, options: OpenStoreOptions): Promise<LoadedSecretsKey> {
  const path = defaultSecretsKeyPath(options.dataDir);
  const from = 'the default key file, next to the database';
  if (existsSync(path)) return readSecretsKeyFile({ path, from });
  let sealedKey: string | undefined;
  await store.updateSecrets((stored) => {
    sealedKey = sealedWith(stored);
    return {};
  });
  if (sealedKey !== undefined && !options.replaceLostKey) {
    throw new SecretariatError(
      'secrets_key',
      `the centre secrets in ${options.dataDir} are sealed with key ${sealedKey}, but its key file ${path} is missing. ` +
        `Restore ${path} from your backup, or name the key with ${KEY_FLAGS_HINT}. If it is lost for good, run ` +
        `"huduma-secretariat key replace-lost --data-dir ${options.dataDir}" and then "huduma-secretariat centre rotate CENTRE_ID" for every centre, ` +
        'giving each hub its new secret (docs/security.md, "Secretariat")',
    );
  }
  const created = createSecretsKeyFile(path);
  // Another process (a `centre add` next to a starting receiver) made it first: use theirs.
  return created ? { box: created, path, from, created: true, warnings: [] } : readSecretsKeyFile({ path, from });
}
