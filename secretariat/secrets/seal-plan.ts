import { SecretariatError } from '../errors.ts';
import type { SecretsUpdate, StoredSecrets } from '../store/store.ts';
import { isSealed, SealOpenError, sealedKeyId } from './secret-box.ts';
import { KEY_FLAGS_HINT, type LoadedSecretsKey } from './secrets-key.ts';

/**
 * What opening a store does to the centre secrets it holds (docs/security.md,
 * "Secretariat"): check that the key is the database's, seal what an older version
 * left in plaintext, and find the centres whose secret cannot be used. Pure functions
 * of the stored rows: the store runs them inside its write transaction.
 */

/** A centre whose secret was sealed with a key declared lost (`key replace-lost`): it needs `centre rotate`. */
export const LOST_SECRET = '';

export interface SealReport {
  /** Centres whose plaintext secret was sealed just now (an upgrade from an older version). */
  sealedNow: string[];
  /** Centres without a usable secret until `centre rotate`: sealed with a lost key, or altered. */
  unusable: Array<{ centreId: string; why: string }>;
}

export function emptySealReport(): SealReport {
  return { sealedNow: [], unusable: [] };
}

/** At every open: the key must be the database's; plaintext rows are sealed; unusable ones reported. */
export function planSealing(stored: StoredSecrets, key: LoadedSecretsKey, report: SealReport): SecretsUpdate {
  const { box } = key;
  if (stored.keyCheck !== null && !box.matchesKeyCheck(stored.keyCheck)) throw keyMismatch(key, sealedKeyId(stored.keyCheck));
  const secrets: NonNullable<SecretsUpdate['secrets']> = [];
  for (const { centreId, secret } of stored.centres) {
    if (lostOrPlaintext(key, centreId, secret, secrets, report)) continue;
    try {
      box.open(centreId, secret);
    } catch (error) {
      const failure = error as SealOpenError;
      // Sealed rows and no key check: a database sealed by hand; the key decides alone.
      if (stored.keyCheck === null && failure.failure === 'other_key') throw keyMismatch(key, failure.sealedWith);
      report.unusable.push({ centreId, why: failure.failure === 'other_key' ? `its secret is sealed with another key (${failure.sealedWith})` : 'its sealed secret does not authenticate (altered, or copied from another centre)' });
    }
  }
  return { ...(stored.keyCheck === null ? { keyCheck: box.keyCheck() } : {}), secrets };
}

/**
 * `key replace-lost`: the database adopts `key`; secrets it cannot open become
 * LOST_SECRET (their centres stay registered, with all their events, and are refused
 * until `centre rotate` gives them a new secret); plaintext ones are sealed.
 */
export function planReplaceLostKey(stored: StoredSecrets, key: LoadedSecretsKey, report: SealReport): SecretsUpdate {
  const secrets: NonNullable<SecretsUpdate['secrets']> = [];
  for (const { centreId, secret } of stored.centres) {
    if (lostOrPlaintext(key, centreId, secret, secrets, report)) continue;
    if (!opens(key, centreId, secret)) {
      secrets.push({ centreId, secret: LOST_SECRET });
      report.unusable.push({ centreId, why: 'its secret was sealed with the lost key' });
    }
  }
  return { keyCheck: key.box.keyCheck(), secrets };
}

/** The key id the rows are sealed with (key check first), or undefined when nothing is sealed yet. */
export function sealedWith(stored: StoredSecrets): string | undefined {
  if (stored.keyCheck !== null) return sealedKeyId(stored.keyCheck) ?? 'unknown';
  const sealed = stored.centres.find((centre) => isSealed(centre.secret));
  return sealed ? sealedKeyId(sealed.secret) : undefined;
}

export function keyMismatch(key: LoadedSecretsKey, databaseKeyId: string | undefined): SecretariatError {
  return new SecretariatError(
    'secrets_key',
    `the centre secrets in this database are sealed with key ${databaseKeyId ?? 'unknown'}, but ${key.path} (${key.from}) holds key ${key.box.keyId}. ` +
      `Give the receiver the key the database was sealed with: restore that file from your backup, or name it with ${KEY_FLAGS_HINT}. ` +
      'If it is lost for good, run "huduma-secretariat key replace-lost" and then "huduma-secretariat centre rotate CENTRE_ID" for every centre, ' +
      'giving each hub its new secret (docs/security.md, "Secretariat")',
  );
}

/**
 * The two cases both plans treat alike: a secret already declared lost (reported), and
 * a plaintext one from an older version (sealed now). True when `secret` was one of them.
 */
function lostOrPlaintext(key: LoadedSecretsKey, centreId: string, secret: string, secrets: NonNullable<SecretsUpdate['secrets']>, report: SealReport): boolean {
  if (secret === LOST_SECRET) {
    report.unusable.push({ centreId, why: 'its secret was sealed with a key declared lost' });
    return true;
  }
  if (isSealed(secret)) return false;
  secrets.push({ centreId, secret: key.box.seal(centreId, secret) });
  report.sealedNow.push(centreId);
  return true;
}

function opens(key: LoadedSecretsKey, centreId: string, secret: string): boolean {
  try {
    key.box.open(centreId, secret);
    return true;
  } catch {
    return false;
  }
}
