import type { PoolClient } from 'pg';
import { MIGRATION_LOCK_KEY } from './postgres-schema.ts';
import { SECRETS_KEY_CHECK, type SecretsUpdate, type StoredSecrets } from './store.ts';

/** What PostgresSecretariatStore lends: its transaction runner and a pooled connection. */
export interface PostgresAccess {
  transaction<T>(doing: string, work: (client: PoolClient) => Promise<T>): Promise<T>;
  connect(): Promise<PoolClient>;
}

/**
 * SecretariatStore.updateSecrets on Postgres: the centre secrets and the secrets key
 * check read and rewritten in one transaction, under the migration lock so two
 * receivers starting on one database seal it in turn (docs/security.md, "Secretariat").
 * An error thrown by `plan` rolls back and reaches the caller as thrown.
 */
export async function updatePostgresSecrets(access: PostgresAccess, plan: (stored: StoredSecrets) => SecretsUpdate): Promise<void> {
  let planError: unknown;
  let rewrote = false;
  try {
    await access.transaction('updateSecrets', async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const meta = await client.query<{ value: string }>('SELECT value FROM secretariat_meta WHERE key = $1', [SECRETS_KEY_CHECK]);
      const rows = await client.query<{ centre_id: string; secret: string }>('SELECT centre_id, secret FROM centres ORDER BY centre_id FOR UPDATE');
      let update: SecretsUpdate;
      try {
        update = plan({ keyCheck: meta.rows[0]?.value ?? null, centres: rows.rows.map((row) => ({ centreId: row.centre_id, secret: row.secret })) });
      } catch (error) {
        planError = error;
        throw error;
      }
      if (update.keyCheck !== undefined) {
        await client.query('INSERT INTO secretariat_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [SECRETS_KEY_CHECK, update.keyCheck]);
      }
      for (const { centreId, secret } of update.secrets ?? []) {
        await client.query('UPDATE centres SET secret = $2 WHERE centre_id = $1', [centreId, secret]);
        rewrote = true;
      }
    });
  } catch (error) {
    throw planError ?? error;
  }
  if (rewrote) await compactCentres(access);
}

/**
 * The replaced secrets live on in dead row versions until a vacuum. VACUUM FULL rewrites
 * the (small) table without them; best effort: it needs the table's owner and a moment's
 * exclusive lock, and docs/security.md tells the operator to run it when this could not.
 */
async function compactCentres(access: PostgresAccess): Promise<void> {
  const client = await access.connect().catch(() => undefined);
  if (!client) return;
  try {
    await client.query("SET lock_timeout = '5s'");
    await client.query('VACUUM FULL centres');
  } catch {
    // Not the owner, or busy: the old row versions go at the next autovacuum.
  } finally {
    client.release(true);
  }
}
