import { openSecretariatStore } from '../store/open-store.ts';
import type { SecretariatStore } from '../store/store.ts';

export const DEFAULT_DATA_DIR = './data/secretariat';

/**
 * Opens the store a CLI command names (SQLite under --data-dir, or Postgres with
 * --database-url), runs `fn`, and always closes it. Short-lived: the running
 * receiver reads centres per request, so a change made here is seen at once.
 */
export async function withStore<T>(values: { 'data-dir'?: string; 'database-url'?: string }, fn: (store: SecretariatStore) => Promise<T>): Promise<T> {
  const store = await openSecretariatStore({
    dataDir: values['data-dir'] ?? DEFAULT_DATA_DIR,
    ...(values['database-url'] === undefined ? {} : { databaseUrl: values['database-url'] }),
  });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
