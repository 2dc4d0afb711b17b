import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SYNC_MAX_COMPRESSED_BYTES, SYNC_PATHS, SyncBatch, SyncHeartbeat, type SyncAck, type SyncHeartbeatAck } from '../../protocol/sync/index.ts';
import type { Logger } from '../logger.ts';
import type { SecretariatStore } from '../store/store.ts';
import { intakeRecords } from '../sync/batch-intake.ts';
import type { CentreQueue } from '../sync/centre-queue.ts';
import type { Admission } from './admission.ts';
import type { SecretariatMetrics } from './metrics.ts';
import type { ReplayCache } from './replay-cache.ts';
import { authenticateSyncRequest } from './request-auth.ts';
import { decodeSyncBody } from './sync-body.ts';
import { quote, sendSyncRefusal, SyncRefusal } from './sync-errors.ts';

export interface SyncRouteDeps {
  store: SecretariatStore;
  clock: { now(): number };
  log: Logger;
  replay: ReplayCache;
  admission: Admission;
  queue: CentreQueue;
  metrics: SecretariatMetrics;
  timeZone: string;
}

type Route = keyof typeof SYNC_PATHS;

/**
 * `POST /v1/sync/batches` and `POST /v1/sync/heartbeat`. Registered as its own
 * fastify plugin so its raw-body parser (the signature covers the bytes as sent, so
 * nothing may parse them first) and its error format stay inside the sync API.
 */
export async function syncRoutes(app: FastifyInstance, deps: SyncRouteDeps): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: SYNC_MAX_COMPRESSED_BYTES }, (_request, body, done) => done(null, body));

  // Errors raised before a handler runs (body over the limit, bad content-type) still
  // answer in the sync format, with serverTime.
  app.setErrorHandler((error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode;
    const refusal =
      error instanceof SyncRefusal
        ? error
        : status === 413
          ? new SyncRefusal(413, 'payload_too_large', `body is larger than ${SYNC_MAX_COMPRESSED_BYTES} bytes as sent; send fewer events per batch`)
          : status !== undefined && status >= 400 && status < 500
            ? new SyncRefusal(400, 'malformed_batch', (error as Error).message)
            : null;
    const route = routeOf(request);
    if (refusal) {
      deps.metrics.syncRequests.inc({ route, outcome: refusal.code });
      return sendSyncRefusal(reply, refusal, deps.clock.now());
    }
    request.log.error({ err: error, route }, 'sync request failed');
    deps.metrics.syncRequests.inc({ route, outcome: 'internal' });
    return reply.status(500).send({ error: { code: 'internal', message: 'internal error; see the Secretariat log' }, serverTime: deps.clock.now() });
  });

  app.post(SYNC_PATHS.batches, { bodyLimit: SYNC_MAX_COMPRESSED_BYTES }, (request, reply) => answer('batches', request, reply, deps, applyBatch));
  app.post(SYNC_PATHS.heartbeat, { bodyLimit: SYNC_MAX_COMPRESSED_BYTES }, (request, reply) => answer('heartbeat', request, reply, deps, recordHeartbeat));
}

type Handler = (request: FastifyRequest, body: Buffer, centreId: string, deps: SyncRouteDeps) => Promise<SyncAck | SyncHeartbeatAck>;

async function answer(route: Route, request: FastifyRequest, reply: FastifyReply, deps: SyncRouteDeps, handle: Handler): Promise<FastifyReply> {
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  try {
    const { centreId } = await authenticateSyncRequest({ method: request.method, path: SYNC_PATHS[route], headers: request.headers, body }, deps);
    const ack = await handle(request, body, centreId, deps);
    deps.metrics.syncRequests.inc({ route, outcome: 'ok' });
    return reply.status(200).send(ack);
  } catch (error) {
    if (!(error instanceof SyncRefusal)) throw error;
    if (error.statusCode >= 500) request.log.error({ err: error.cause ?? error, route }, error.message);
    else request.log.debug({ code: error.code, route, reason: error.message }, 'sync request refused');
    deps.metrics.syncRequests.inc({ route, outcome: error.code });
    return sendSyncRefusal(reply, error, deps.clock.now());
  }
}

/** Checks 6–10 for a batch: admission, decode, centre match, records, serialised apply. */
async function applyBatch(request: FastifyRequest, body: Buffer, centreId: string, deps: SyncRouteDeps): Promise<SyncAck> {
  const ticket = deps.admission.tryEnter();
  if (!ticket.admitted) {
    throw new SyncRefusal(429, 'rate_limited', `the Secretariat is applying ${deps.admission.maxConcurrent} batches already; retry after ${ticket.retryAfterS} s (Retry-After)`, {
      'retry-after': String(ticket.retryAfterS),
    });
  }
  // The slot is held from here to the answer: inflating and parsing cost memory and
  // CPU too, and that is what the limit protects.
  try {
    const batch = await decodeSyncBody(body, header(request, 'content-encoding'), SyncBatch, 'batch');
    assertSameCentre(batch.centreId, centreId);
    const intake = intakeRecords(batch.events, deps.timeZone);
    if (!intake.ok) throw new SyncRefusal(400, 'malformed_batch', intake.message);
    const outcome = await deps.queue.run(centreId, async () => {
      const stopTimer = deps.metrics.batchApplySeconds.startTimer();
      try {
        return await deps.store.applyBatch({ centreId, epoch: batch.epoch, receivedAtMs: deps.clock.now(), events: intake.events });
      } catch (error) {
        throw Object.assign(new SyncRefusal(503, 'store_unavailable', 'the Secretariat could not store this batch; nothing was acknowledged, retry later'), { cause: error });
      } finally {
        stopTimer();
      }
    });
    deps.metrics.eventsStored.inc(outcome.stored);
    deps.metrics.eventsDuplicate.inc(outcome.duplicates);
    deps.metrics.eventsConflict.inc(outcome.conflicts);
    deps.metrics.eventsQuarantined.inc(outcome.quarantined.length);
    if (outcome.conflictSeqs.length > 0) {
      deps.log.warn({ centreId, epoch: batch.epoch, conflicts: outcome.conflictSeqs.slice(0, 20) }, 'seqs arrived again with a different content (a restored hub database?); kept aside, batch refused (conflict alarm)');
      throw new SyncRefusal(409, 'seq_conflict', `seqs ${outcome.conflictSeqs.slice(0, 5).join(', ')}${outcome.conflictSeqs.length > 5 ? ' …' : ''} are already held here with another content; nothing of this batch was stored. Renumber unsent events after ${outcome.highestSeq} and send again`, {}, { conflicts: outcome.conflictSeqs, highestSeq: outcome.highestSeq });
    }
    const { conflictSeqs: _conflictSeqs, ...ack } = outcome;
    return { ...ack, serverTime: deps.clock.now() };
  } finally {
    ticket.release();
  }
}

/** Heartbeats skip admission and the centre queue: they keep the NOC current during a long drain. */
async function recordHeartbeat(request: FastifyRequest, body: Buffer, centreId: string, deps: SyncRouteDeps): Promise<SyncHeartbeatAck> {
  const heartbeat = await decodeSyncBody(body, header(request, 'content-encoding'), SyncHeartbeat, 'heartbeat');
  assertSameCentre(heartbeat.centreId, centreId);
  try {
    const position = await deps.store.recordHeartbeat(centreId, heartbeat, deps.clock.now());
    return { ackedThroughSeq: position.ackedThroughSeq, highestSeq: position.highestSeq, serverTime: deps.clock.now() };
  } catch (error) {
    throw Object.assign(new SyncRefusal(503, 'store_unavailable', 'the Secretariat could not record this heartbeat; retry later'), { cause: error });
  }
}

/** Check 8: a centre's key signs only its own data. */
function assertSameCentre(bodyCentreId: string, signingCentreId: string): void {
  if (bodyCentreId !== signingCentreId) {
    throw new SyncRefusal(403, 'centre_mismatch', `body centreId ${quote(bodyCentreId)} is not the signing centre ${quote(signingCentreId)}; a centre may only send its own events`);
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function routeOf(request: FastifyRequest): Route | 'unknown' {
  const url = request.routeOptions.url;
  return url === SYNC_PATHS.batches ? 'batches' : url === SYNC_PATHS.heartbeat ? 'heartbeat' : 'unknown';
}
