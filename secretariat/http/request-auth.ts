import type { IncomingHttpHeaders } from 'node:http';
import { isId } from '../../protocol/ids.ts';
import { readSignatureHeaders, SIGNATURE_WINDOW_MS, signatureMatches } from '../../protocol/sync/index.ts';
import type { SecretariatStore } from '../store/store.ts';
import type { ReplayCache } from './replay-cache.ts';
import { quote, SyncRefusal } from './sync-errors.ts';

export interface SyncAuthDeps {
  store: Pick<SecretariatStore, 'centreSecret'>;
  replay: ReplayCache;
  clock: { now(): number };
}

export interface SyncRequest {
  method: string;
  /** The route path exactly as in SYNC_PATHS: what the hub signed, whatever the URL looked like. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The body bytes exactly as received (still compressed). */
  body: Buffer;
}

/**
 * Checks 1–5 of a sync request (ARCHITECTURE "Signed sync"), in this order, each
 * refusal naming what to fix: headers, known centre, clock skew, signature, replay.
 * The order is deliberate: the cheap checks come first, and the replay cache is only
 * written after the signature verified, so forged requests cannot fill it or burn a
 * real hub's nonces. Returns the signing centre.
 */
export async function authenticateSyncRequest(request: SyncRequest, deps: SyncAuthDeps): Promise<{ centreId: string }> {
  const headers = readSignatureHeaders(request.headers);
  if ('missing' in headers) {
    throw new SyncRefusal(401, 'unauthenticated', `header ${headers.missing} is missing or malformed; every sync request must be signed (x-huduma-centre, x-huduma-timestamp in ms, x-huduma-nonce of 16–64 [A-Za-z0-9_-], x-huduma-signature as 64 hex digits)`);
  }
  const { centreId } = headers;
  const secret = isId(centreId) ? await readSecret(deps, centreId) : undefined;
  if (secret === undefined) {
    throw new SyncRefusal(401, 'unknown_centre', `centre ${quote(centreId)} is not registered at this Secretariat; register it with "huduma-secretariat centre add ${isId(centreId) ? centreId : 'CENTRE_ID'}" and give the hub the printed secret`);
  }
  const now = deps.clock.now();
  const skewMs = headers.timestamp - now;
  if (Math.abs(skewMs) > SIGNATURE_WINDOW_MS) {
    throw new SyncRefusal(
      401,
      'timestamp_skew',
      `request timestamp ${isoOrRaw(headers.timestamp)} is ${Math.round(Math.abs(skewMs) / 1000)} s ${skewMs > 0 ? 'ahead of' : 'behind'} the Secretariat clock ${new Date(now).toISOString()} ` +
        `(allowed ±${SIGNATURE_WINDOW_MS / 1000} s); set the hub's clock (NTP) or let it correct its offset from serverTime`,
    );
  }
  const parts = { method: request.method, path: request.path, centreId, timestamp: headers.timestamp, nonce: headers.nonce, body: request.body };
  if (!signatureMatches(secret, parts, headers.signature)) {
    throw new SyncRefusal(
      401,
      'bad_signature',
      `signature does not match for centre ${quote(centreId)}: check that the hub uses the secret "huduma-secretariat centre add" printed for this centre, ` +
        `and that it signs ${request.method} ${request.path} over the body bytes exactly as sent`,
    );
  }
  if (!deps.replay.remember(centreId, headers.nonce, now)) {
    throw new SyncRefusal(409, 'replayed', `nonce ${quote(headers.nonce)} was already used by centre ${quote(centreId)} in the last ${(2 * SIGNATURE_WINDOW_MS) / 1000} s; sign every request, retries included, with a fresh nonce`);
  }
  return { centreId };
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
