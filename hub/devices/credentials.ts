import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Device secrets are random 256-bit strings, so a plain SHA-256 digest is enough to
 * store them (no dictionary to defend against), and checking 500 reconnecting devices
 * costs microseconds, not the seconds scrypt would (docs/architecture.md, "Device secrets").
 */
export { generateSecret } from '../../runtime/process-args.ts';

export function digestSecret(secret: string | Buffer): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Constant-time comparison of a presented secret with a stored digest. */
export function secretMatches(presented: string | Buffer, storedDigest: Buffer): boolean {
  const digest = digestSecret(presented);
  return digest.length === storedDigest.length && timingSafeEqual(digest, storedDigest);
}
