import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signed sync requests (docs/architecture.md, "Signed sync"): HMAC-SHA256 with the centre's
 * secret over the method, path, centre id, timestamp, a nonce and the SHA-256 of the
 * body bytes exactly as sent (compressed). The receiver also checks that the body's
 * centre id is the key's, refuses timestamps outside its window, and refuses a nonce
 * it has already seen inside that window (replay).
 */
export const SIGNATURE_HEADERS = {
  centre: 'x-huduma-centre',
  timestamp: 'x-huduma-timestamp',
  nonce: 'x-huduma-nonce',
  signature: 'x-huduma-signature',
} as const;

/** Requests whose timestamp is further than this from the receiver's clock are refused. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

const SCHEME = 'HUDUMA-HMAC-SHA256-V1';
const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export interface SignedParts {
  method: string;
  path: string;
  centreId: string;
  /** Sender clock, ms since the Unix epoch. */
  timestamp: number;
  nonce: string;
  body: Uint8Array;
}

export function bodyDigest(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

/** The signed parts with the body already digested: a receiver that hashes the body as it streams in. */
export type DigestedParts = Omit<SignedParts, 'body'> & { bodySha256Hex: string };

export function canonicalRequest(parts: SignedParts): string {
  return canonicalFromDigest({ ...parts, bodySha256Hex: bodyDigest(parts.body) });
}

function canonicalFromDigest(parts: DigestedParts): string {
  return [SCHEME, parts.method.toUpperCase(), parts.path, parts.centreId, String(parts.timestamp), parts.nonce, parts.bodySha256Hex].join('\n');
}

export function signature(secret: string, parts: SignedParts): string {
  return createHmac('sha256', secret).update(canonicalRequest(parts)).digest('hex');
}

export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

/** The headers a sender adds. */
export function signRequest(secret: string, parts: Omit<SignedParts, 'nonce'> & { nonce?: string }): Record<string, string> {
  const full: SignedParts = { ...parts, nonce: parts.nonce ?? newNonce() };
  return {
    [SIGNATURE_HEADERS.centre]: full.centreId,
    [SIGNATURE_HEADERS.timestamp]: String(full.timestamp),
    [SIGNATURE_HEADERS.nonce]: full.nonce,
    [SIGNATURE_HEADERS.signature]: signature(secret, full),
  };
}

export type SignatureHeaders = { centreId: string; timestamp: number; nonce: string; signature: string };

/** Reads the signature headers; null names the first one missing or malformed. */
export function readSignatureHeaders(headers: Record<string, string | string[] | undefined>): SignatureHeaders | { missing: string } {
  const get = (name: string) => {
    const value = headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const centreId = get(SIGNATURE_HEADERS.centre);
  if (!centreId) return { missing: SIGNATURE_HEADERS.centre };
  const timestampText = get(SIGNATURE_HEADERS.timestamp);
  const timestamp = Number(timestampText);
  if (!timestampText || !/^\d{1,16}$/.test(timestampText) || !Number.isSafeInteger(timestamp)) return { missing: SIGNATURE_HEADERS.timestamp };
  const nonce = get(SIGNATURE_HEADERS.nonce);
  if (!nonce || !NONCE_PATTERN.test(nonce)) return { missing: SIGNATURE_HEADERS.nonce };
  const sig = get(SIGNATURE_HEADERS.signature);
  if (!sig || !/^[0-9a-f]{64}$/.test(sig)) return { missing: SIGNATURE_HEADERS.signature };
  return { centreId, timestamp, nonce, signature: sig };
}

/** Constant-time check of a received signature. */
export function signatureMatches(secret: string, parts: SignedParts, received: string): boolean {
  return digestSignatureMatches(secret, { ...parts, bodySha256Hex: bodyDigest(parts.body) }, received);
}

/** signatureMatches for a body hashed as it arrived (the receiver never holds an unhashed copy). */
export function digestSignatureMatches(secret: string, parts: DigestedParts, received: string): boolean {
  const expected = createHmac('sha256', secret).update(canonicalFromDigest(parts)).digest();
  const got = Buffer.from(received, 'hex');
  return got.length === expected.length && timingSafeEqual(got, expected);
}
