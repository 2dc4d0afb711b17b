import { randomBytes, randomInt, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (secret: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number }) => Promise<Buffer>;

/**
 * scrypt at N = 2^14, r = 8: about 40 ms and 16 MiB per check on a centre box, so a
 * stolen database costs an attacker the same per guess, and the lock-outs stop guessing
 * over the network (docs/security.md, "Officer lock-out", "Staff login").
 */
const SCRYPT = { N: 2 ** 14, r: 8, p: 1 };
const HASH_BYTES = 32;

export interface SaltedHash {
  salt: Buffer;
  hash: Buffer;
}

export async function hashSecret(secret: string): Promise<SaltedHash> {
  const salt = randomBytes(16);
  return { salt, hash: await scrypt(secret, salt, HASH_BYTES, SCRYPT) };
}

/**
 * Whether `secret` matches. Without a stored hash (an unknown name) it still runs the
 * same scrypt on a throwaway salt and answers false, so timing does not say who exists.
 */
export async function secretMatchesHash(secret: string, stored: SaltedHash | null): Promise<boolean> {
  const presented = await scrypt(secret, stored?.salt ?? randomBytes(16), HASH_BYTES, SCRYPT);
  return stored !== null && timingSafeEqual(presented, stored.hash);
}

/** Letters and digits a person cannot mistake for each other (no 0/O, 1/l/I). */
const READABLE = 'abcdefghjkmnpqrstuvwxyz23456789';

/**
 * A password a technician can read off the screen and type on a phone: four groups of
 * four from a 31-character alphabet, about 79 bits (far beyond guessing through the
 * lock-out, and beyond cracking one scrypt hash offline).
 */
export function generateReadablePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = '';
    for (let i = 0; i < 4; i++) group += READABLE[randomInt(0, READABLE.length)];
    groups.push(group);
  }
  return groups.join('-');
}
