import { PostgresSecretariatStore, redactDatabaseUrl } from './postgres-store.ts';
import { SqliteSecretariatStore } from './sqlite-store.ts';
import { StoreError, type SecretariatStore } from './store.ts';

export interface OpenStoreOptions {
  /** Where `secretariat.db` lives when no database URL is given. */
  dataDir: string;
  /** `postgres://` or `postgresql://`: use that Postgres database instead of SQLite. */
  databaseUrl?: string;
}

/**
 * Opens the configured store and runs its migrations. A URL of any other scheme is a
 * configuration error, reported (like every failure here) as `store_unavailable` with
 * the URL's password redacted: these messages reach logs and terminals.
 */
export async function openSecretariatStore(options: OpenStoreOptions): Promise<SecretariatStore> {
  const { databaseUrl } = options;
  let store: SecretariatStore;
  if (databaseUrl === undefined) {
    store = new SqliteSecretariatStore({ dataDir: options.dataDir });
  } else if (/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    store = new PostgresSecretariatStore({ connectionString: databaseUrl });
  } else {
    throw new StoreError('store_unavailable', `unsupported database URL ${redactDatabaseUrl(databaseUrl)}: expected postgres:// or postgresql:// (or none, for SQLite under the data dir)`);
  }
  try {
    await store.init();
  } catch (error) {
    await store.close().catch(() => {});
    const where = databaseUrl === undefined ? options.dataDir : redactDatabaseUrl(databaseUrl);
    const message = error instanceof Error ? error.message : String(error);
    throw new StoreError('store_unavailable', `cannot open the Secretariat store at ${where}: ${message}`, { cause: error });
  }
  return store;
}
