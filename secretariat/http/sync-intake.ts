import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SYNC_MAX_COMPRESSED_BYTES } from '../../protocol/sync/index.ts';
import { BodyReadError, readBody } from './body-reader.ts';
import { clientKey } from './client-address.ts';
import type { IntakeGate } from './intake-gate.ts';
import { MAX_DRAIN_BYTES } from './intake-limits.ts';
import { knownCentre, readSyncHeaders, rememberNonce, verifySignature, type SyncAuthDeps } from './request-auth.ts';
import { checkContentEncoding } from './sync-body.ts';
import { SyncRefusal } from './sync-errors.ts';
import type { UploadWatchOptions } from './upload-watch.ts';

export interface IntakeDeps extends SyncAuthDeps {
  gate: IntakeGate;
}

/** A request whose signature verified: its centre, its body as sent, and the centre's in-flight place (release when answered). */
export interface VerifiedRequest {
  centreId: string;
  body: Buffer;
  release: () => void;
}

/**
 * From socket to verified body (docs/security.md, "Secretariat", has the order and why).
 * Before any body byte is read: the declared size, the encoding, the signature headers
 * and the clock, a place among the unverified bodies (per address, in all, in bytes),
 * the centre and its secret, the nonce (peek), the centre's verified requests in
 * flight. Then the body, streamed and hashed, watched for stalls; then the signature,
 * and only then is the nonce recorded. A refusal before the body leaves `bodyUnread`
 * set on the thrown SyncRefusal, so the caller drains it after answering.
 */
export async function receiveSignedRequest(request: FastifyRequest, path: string, deps: IntakeDeps): Promise<VerifiedRequest> {
  const raw = request.raw;
  const declared = declaredLength(raw);
  const route = { method: 'POST', path };
  let unverified: (() => void) | undefined;
  try {
    if (declared !== undefined && declared > SYNC_MAX_COMPRESSED_BYTES) {
      throw new SyncRefusal(413, 'payload_too_large', `body is ${declared} bytes as sent, over the limit of ${SYNC_MAX_COMPRESSED_BYTES}; send fewer events per batch`);
    }
    checkContentEncoding(header(request, 'content-encoding'));
    const headers = readSyncHeaders(request.headers, deps.clock);
    const slot = deps.gate.enterUnverified(clientKey(request.ip), declared ?? SYNC_MAX_COMPRESSED_BYTES);
    if (!slot.ok) throw slot.refusal;
    unverified = slot.release;
    const secret = await knownCentre(headers, route, deps);
    const busy = deps.gate.centreFull(headers.centreId);
    if (busy) throw busy;

    const body = await readBody(raw, { declaredBytes: declared, maxBytes: SYNC_MAX_COMPRESSED_BYTES, keep: true, watch: watchOptions(deps.gate) });
    verifySignature(secret, headers, route, body.sha256Hex);
    rememberNonce(headers, deps);
    unverified();
    const place = deps.gate.enterCentre(headers.centreId);
    if (!place.ok) throw place.refusal;
    return { centreId: headers.centreId, body: body.bytes, release: place.release };
  } catch (error) {
    if (error instanceof SyncRefusal && !raw.readableDidRead && !raw.complete) bodyUnread.add(error);
    throw error;
  } finally {
    unverified?.();
  }
}

/** Refusals given before the body was touched: its bytes are still coming. */
const bodyUnread = new WeakSet<SyncRefusal>();

/**
 * Answers a refusal. When the body was never read, it is read and dropped (watched like
 * any upload) so the client gets the answer on a connection that stays usable: closing
 * with its body unread would reset the connection under a large upload and the hub
 * would see a network error instead of, say, its Retry-After. A body declared larger
 * than MAX_DRAIN_BYTES is not worth reading: that answer closes the connection.
 */
export function prepareRefusal(request: FastifyRequest, reply: FastifyReply, refusal: SyncRefusal, gate: IntakeGate, onDropped: (error: BodyReadError) => void): void {
  if (!bodyUnread.has(refusal)) return;
  const declared = declaredLength(request.raw);
  if (declared !== undefined && declared > MAX_DRAIN_BYTES) {
    reply.header('connection', 'close');
    return;
  }
  const done = gate.drainStarted();
  readBody(request.raw, { declaredBytes: declared, maxBytes: MAX_DRAIN_BYTES, keep: false, watch: watchOptions(gate) }).then(done, (error: BodyReadError) => {
    done();
    onDropped(error);
    if (error.failure !== 'aborted') request.raw.socket?.destroy();
  });
}

/**
 * A body that stopped moving (idle, too slow) or ran over the limit without a
 * Content-Length: the socket is closed. Nothing is answered for a stall: the sender
 * is not reading, and a reset is what a hub on a dead link sees anyway.
 */
export function dropUpload(request: FastifyRequest, reply: FastifyReply, error: BodyReadError): FastifyReply | undefined {
  if (error.failure === 'too_large') {
    void reply.header('connection', 'close');
    return undefined;
  }
  reply.hijack();
  request.raw.socket?.destroy();
  return reply;
}

function watchOptions(gate: IntakeGate): UploadWatchOptions {
  const { limits } = gate;
  return { idleTimeoutMs: limits.uploadIdleTimeoutMs, minBytesPerS: limits.uploadMinBytesPerS, rateWindowMs: limits.uploadRateWindowMs };
}

/** Content-Length, or undefined for a chunked body (node's parser has already refused a malformed one). */
function declaredLength(raw: IncomingMessage): number | undefined {
  if (raw.headers['transfer-encoding'] !== undefined) return undefined;
  const value = raw.headers['content-length'];
  return value === undefined ? 0 : Number(value);
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}
