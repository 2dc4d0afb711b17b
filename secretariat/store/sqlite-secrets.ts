import type { Database } from 'better-sqlite3';
import { asStoreError } from './store-shared.ts';
import { SECRETS_KEY_CHECK, type SecretsUpdate, type StoredSecrets } from './store.ts';

/**
 * SecretariatStore.updateSecrets on SQLite: the centre secrets and the secrets key check
 * read and rewritten in one IMMEDIATE transaction (docs/security.md, "Secretariat"). An
 * error thrown by `plan` rolls back and reaches the caller as thrown.
 *
 * Secrets being replaced may be plaintext from an older version (or a rotated secret):
 * with secure_delete SQLite zeroes the space it frees, and the table is rebuilt (every
 * row deleted, then inserted again) so that no page keeps an old copy in its free space;
 * then the WAL, which still holds the pages as they were, is folded in and emptied.
 */
export function updateSqliteSecrets(db: Database, plan: (stored: StoredSecrets) => SecretsUpdate): void {
  let planError: unknown;
  let rewrote = false;
  db.pragma('secure_delete = ON');
  try {
    db.transaction(() => {
      const keyCheck = (db.prepare('SELECT value FROM secretariat_meta WHERE key = ?').get(SECRETS_KEY_CHECK) as { value: string } | undefined)?.value ?? null;
      const centres = db.prepare('SELECT centre_id AS centreId, secret FROM centres ORDER BY centre_id').all() as StoredSecrets['centres'];
      let update: SecretsUpdate;
      try {
        update = plan({ keyCheck, centres });
      } catch (error) {
        planError = error;
        throw error;
      }
      if (update.keyCheck !== undefined) {
        db.prepare('INSERT INTO secretariat_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(SECRETS_KEY_CHECK, update.keyCheck);
      }
      const replaced = new Map((update.secrets ?? []).map((entry) => [entry.centreId, entry.secret]));
      if (replaced.size === 0) return;
      rewrote = true;
      const rows = db.prepare('SELECT * FROM centres').all() as Array<Record<string, unknown>>;
      db.prepare('DELETE FROM centres').run();
      for (const row of rows) {
        const secret = replaced.get(row.centre_id as string);
        if (secret !== undefined) row.secret = secret;
        const columns = Object.keys(row);
        db.prepare(`INSERT INTO centres (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`).run(row);
      }
    }).immediate();
  } catch (error) {
    throw planError ?? asStoreError(error, 'updateSecrets');
  } finally {
    db.pragma('secure_delete = OFF');
  }
  if (!rewrote) return;
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (error) {
    throw asStoreError(error, 'updateSecrets: checkpoint');
  }
}
