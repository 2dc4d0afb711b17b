import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Centre secrets at rest (docs/security.md, "Secretariat"). They are the HMAC keys the
 * receiver verifies signatures with, so they must be recoverable: encrypted, not
 * hashed. AES-256-GCM with a random 96-bit IV per secret and the centre id as
 * associated data, so a sealed secret copied onto another centre's row does not open.
 * The key's id travels in clear in front of each sealed value, so a wrong key is named
 * as such at start instead of surfacing later as a failed signature.
 *
 * Stored form: `hsk1.<key id, 16 hex>.<IV, base64url>.<ciphertext + 16-byte tag, base64url>`.
 * Generated secrets use only [A-Za-z0-9_-] (process contract), so a plaintext secret
 * left by an older version never looks sealed.
 */
export const SECRETS_KEY_BYTES = 32;
const SCHEME = 'hsk1';
const SEALED = /^hsk1\.([0-9a-f]{16})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;
const TAG_BYTES = 16;

/** Associated data of the key check: not a centre id (ids start with [a-z0-9]). */
export const KEY_CHECK_LABEL = '#key-check';
const KEY_CHECK_TEXT = 'huduma-secretariat secrets key check';

export type OpenFailure = 'not_sealed' | 'other_key' | 'corrupt';

/** Why a stored value did not open; the caller words the message (it knows the key's source). */
export class SealOpenError extends Error {
  readonly failure: OpenFailure;
  /** The key id the value was sealed with, when readable. */
  readonly sealedWith: string | undefined;

  constructor(failure: OpenFailure, sealedWith: string | undefined, message: string) {
    super(message);
    this.name = 'SealOpenError';
    this.failure = failure;
    this.sealedWith = sealedWith;
  }
}

export class SecretBox {
  readonly keyId: string;
  readonly #key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== SECRETS_KEY_BYTES) throw new RangeError(`a secrets key is ${SECRETS_KEY_BYTES} bytes, got ${key.length}`);
    this.#key = Buffer.from(key);
    this.keyId = secretsKeyId(this.#key);
  }

  seal(associated: string, plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(associated, 'utf8'));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${SCHEME}.${this.keyId}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
  }

  /** The plaintext, or SealOpenError: not sealed, sealed with another key, or altered. */
  open(associated: string, stored: string): string {
    const match = SEALED.exec(stored);
    if (!match) throw new SealOpenError('not_sealed', undefined, 'the value is not sealed');
    const [, keyId, ivText, sealedText] = match as unknown as [string, string, string, string];
    if (keyId !== this.keyId) throw new SealOpenError('other_key', keyId, `sealed with key ${keyId}, this key is ${this.keyId}`);
    const sealed = Buffer.from(sealedText, 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(ivText, 'base64url'));
      decipher.setAAD(Buffer.from(associated, 'utf8'));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SealOpenError('corrupt', keyId, 'the sealed value does not authenticate (altered, or moved from another row)');
    }
  }

  /** A value only this key opens: kept in the database so a wrong key is caught with no centre yet. */
  keyCheck(): string {
    return this.seal(KEY_CHECK_LABEL, KEY_CHECK_TEXT);
  }

  matchesKeyCheck(stored: string): boolean {
    try {
      return this.open(KEY_CHECK_LABEL, stored) === KEY_CHECK_TEXT;
    } catch {
      return false;
    }
  }
}

export function isSealed(stored: string): boolean {
  return SEALED.test(stored);
}

/** The key id a stored value was sealed with, or undefined for a plaintext value. */
export function sealedKeyId(stored: string): string | undefined {
  return SEALED.exec(stored)?.[1];
}

/** A short public name for a key (never the key): SHA-256 over a label and the key, 16 hex. */
export function secretsKeyId(key: Uint8Array): string {
  return createHash('sha256').update('huduma-secretariat secrets key id\n').update(key).digest('hex').slice(0, 16);
}

export function newSecretsKey(): Buffer {
  return randomBytes(SECRETS_KEY_BYTES);
}
