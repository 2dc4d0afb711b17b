import type { IncomingHttpHeaders } from 'node:http';
import { isId } from '../../protocol/ids.ts';
import { digestSignatureMatches, readSignatureHeaders, SIGNATURE_WINDOW_MS, type SignatureHeaders } from '../../protocol/sync/index.ts';
import type { SecretariatStore } from '../store/store.ts';
import type { ReplayCache } from './replay-cache.ts';
import { quote, SyncRefusal } from './sync-errors.ts';

/**
 * The signature checks of a sync request (docs/architecture.md, "Signed sync";
 * docs/security.md, "Secretariat", gives the whole order). Split in three because the
 * body is read between them:
 *
 * - `readSyncHeaders` (no I/O): headers present and well-formed, timestamp inside the
 *   window. Skew comes before the centre lookup so its answer does not depend on
 *   whether the centre exists.
 * - `knownCentre` (before the body): the centre's secret, and the nonce not seen yet
 *   (read-only: forged requests must not fill the replay cache or burn a nonce).
 * - `verifySignature` and `rememberNonce` (after the body): the HMAC over the body's
 *   digest, then the nonce recorded.
 *
 * An unknown centre and a wrong signature get the same answer (401 `bad_signature`,
 * one message), so the answer does not tell an outsider which centres exist; the
 * refusal's `reason` keeps them apart for the log and the metrics.
 */
export interface SyncAuthDeps {
  store: Pick<SecretariatStore, 'centreSecret'>;
  replay: ReplayCache;
  clock: { now(): number };
}

export function readSyncHeaders(headers: IncomingHttpHeaders, clock: { now(): number }): SignatureHeaders {
  const read = readSignatureHeaders(headers);
  if ('missing' in read) {
    throw new SyncRefusal(401, 'unauthenticated', `header ${read.missing} is missing or malformed; every sync request must be signed (x-huduma-centre, x-huduma-timestamp in ms, x-huduma-nonce of 16–64 [A-Za-z0-9_-], x-huduma-signature as 64 hex digits)`);
  }
  const now = clock.now();
  const skewMs = read.timestamp - now;
  if (Math.abs(skewMs) > SIGNATURE_WINDOW_MS) {
    throw new SyncRefusal(
      401,
      'timestamp_skew',
      `request timestamp ${isoOrRaw(read.timestamp)} is ${Math.round(Math.abs(skewMs) / 1000)} s ${skewMs > 0 ? 'ahead of' : 'behind'} the Secretariat clock ${new Date(now).toISOString()} ` +
        `(allowed ±${SIGNATURE_WINDOW_MS / 1000} s); set the hub's clock (NTP) or let it correct its offset from serverTime`,
    );
  }
  return read;
}

/** The signing centre's secret; refuses an unknown centre (as a bad signature) and a nonce already seen. */
export async function knownCentre(headers: SignatureHeaders, route: { method: string; path: string }, deps: SyncAuthDeps): Promise<string> {
  const { centreId } = headers;
  const secret = isId(centreId) ? await readSecret(deps, centreId) : undefined;
  if (secret === undefined) throw notAccepted(centreId, route, 'unknown_centre');
  if (deps.replay.seen(centreId, headers.nonce, deps.clock.now())) throw replayed(headers);
  return secret;
}

export function verifySignature(secret: string, headers: SignatureHeaders, route: { method: string; path: string }, bodySha256Hex: string): void {
  const parts = { method: route.method, path: route.path, centreId: headers.centreId, timestamp: headers.timestamp, nonce: headers.nonce, bodySha256Hex };
  if (!digestSignatureMatches(secret, parts, headers.signature)) throw notAccepted(headers.centreId, route, 'bad_signature');
}

/** After verification only; refuses when the same nonce was verified meanwhile (two copies in flight). */
export function rememberNonce(headers: SignatureHeaders, deps: SyncAuthDeps): void {
  if (!deps.replay.remember(headers.centreId, headers.nonce, deps.clock.now())) throw replayed(headers);
}

function notAccepted(centreId: string, route: { method: string; path: string }, reason: 'unknown_centre' | 'bad_signature'): SyncRefusal {
  return new SyncRefusal(
    401,
    'bad_signature',
    `the signature was not accepted for centre ${quote(centreId)}: check that this centre is registered at this Secretariat ("huduma-secretariat centre add") ` +
      `and that the hub uses the secret printed for it, signing ${route.method} ${route.path} over the body bytes exactly as sent`,
    {},
    {},
    reason,
  );
}

function replayed(headers: SignatureHeaders): SyncRefusal {
  return new SyncRefusal(409, 'replayed', `nonce ${quote(headers.nonce)} was already used by centre ${quote(headers.centreId)} in the last ${(2 * SIGNATURE_WINDOW_MS) / 1000} s; sign every request, retries included, with a fresh nonce`);
}

async function readSecret(deps: SyncAuthDeps, centreId: string): Promise<string | undefined> {
  try {
    return await deps.store.centreSecret(centreId);
  } catch (error) {
    throw Object.assign(new SyncRefusal(503, 'store_unavailable', 'the Secretariat cannot read its database right now; retry later (nothing was stored)'), { cause: error });
  }
}

function isoOrRaw(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : `${date.toISOString()} (${ms})`;
}
