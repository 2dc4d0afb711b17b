import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SYNC_MAX_COMPRESSED_BYTES, SYNC_PATHS, SyncBatch, SyncHeartbeat, type SyncAck, type SyncHeartbeatAck } from '../../protocol/sync/index.ts';
import type { Logger } from '../logger.ts';
import type { SecretariatStore } from '../store/store.ts';
import { intakeRecords } from '../sync/batch-intake.ts';
import type { CentreQueue } from '../sync/centre-queue.ts';
import type { Admission } from './admission.ts';
import { BodyReadError } from './body-reader.ts';
import type { IntakeGate } from './intake-gate.ts';
import { LogThrottle } from './log-throttle.ts';
import type { SecretariatMetrics } from './metrics.ts';
import type { ReplayCache } from './replay-cache.ts';
import { decodeSyncBody } from './sync-body.ts';
import { quote, sendSyncRefusal, SyncRefusal } from './sync-errors.ts';
import { dropUpload, prepareRefusal, receiveSignedRequest } from './sync-intake.ts';

export interface SyncRouteDeps {
  store: SecretariatStore;
  clock: { now(): number };
  log: Logger;
  replay: ReplayCache;
  admission: Admission;
  gate: IntakeGate;
  queue: CentreQueue;
  metrics: SecretariatMetrics;
  timeZone: string;
}

type Route = keyof typeof SYNC_PATHS;

/** Refusals an operator should hear about (a hub misconfigured, or someone probing), once a minute per centre or address. */
const WORTH_A_WARNING = new Set(['unknown_centre', 'bad_signature', 'idle', 'slow']);

/**
 * `POST /v1/sync/batches` and `POST /v1/sync/heartbeat`. Registered as its own fastify
 * plugin so its body handling and error format stay inside the sync API: fastify never
 * reads these bodies (the content-type parser hands nothing over); sync-intake.ts reads
 * each one itself, after the checks its headers allow (docs/security.md, "Secretariat").
 */
export async function syncRoutes(app: FastifyInstance, deps: SyncRouteDeps): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  const throttle = new LogThrottle(60_000);

  // Errors raised before a handler runs still answer in the sync format, with serverTime.
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

  const handler = (route: Route, handle: Handler) => (request: FastifyRequest, reply: FastifyReply) => answer(route, request, reply, deps, throttle, handle);
  app.post(SYNC_PATHS.batches, handler('batches', applyBatch));
  app.post(SYNC_PATHS.heartbeat, handler('heartbeat', recordHeartbeat));
}

type Handler = (request: FastifyRequest, body: Buffer, centreId: string, deps: SyncRouteDeps) => Promise<SyncAck | SyncHeartbeatAck>;

async function answer(route: Route, request: FastifyRequest, reply: FastifyReply, deps: SyncRouteDeps, throttle: LogThrottle, handle: Handler): Promise<FastifyReply> {
  let release: (() => void) | undefined;
  try {
    const verified = await receiveSignedRequest(request, SYNC_PATHS[route], deps);
    release = verified.release;
    const ack = await handle(request, verified.body, verified.centreId, deps);
    deps.metrics.syncRequests.inc({ route, outcome: 'ok' });
    return reply.status(200).send(ack);
  } catch (error) {
    if (error instanceof BodyReadError) {
      deps.metrics.uploadsDropped.inc({ reason: error.failure });
      const context = { route, client: request.ip, centre: request.headers['x-huduma-centre'], bytes: error.bytesRead, reason: error.failure };
      if (WORTH_A_WARNING.has(error.failure) && throttle.allow(`${error.failure}:${request.ip}`)) deps.log.warn(context, `sync upload dropped: ${error.message}`);
      else deps.log.debug(context, 'sync upload dropped');
      if (dropUpload(request, reply, error)) return reply;
      const tooLarge = new SyncRefusal(413, 'payload_too_large', `body is larger than ${SYNC_MAX_COMPRESSED_BYTES} bytes as sent; send fewer events per batch`);
      deps.metrics.syncRequests.inc({ route, outcome: tooLarge.code });
      return sendSyncRefusal(reply, tooLarge, deps.clock.now());
    }
    if (!(error instanceof SyncRefusal)) throw error;
    logRefusal(request, route, error, deps, throttle);
    // The client sees bad_signature for an unknown centre too; the metrics keep them apart.
    deps.metrics.syncRequests.inc({ route, outcome: error.code === 'bad_signature' ? error.reason : error.code });
    if (error.code === 'rate_limited') deps.metrics.intakeRefused.inc({ limit: error.reason });
    prepareRefusal(request, reply, error, deps.gate, (dropped) => deps.metrics.uploadsDropped.inc({ reason: dropped.failure }));
    return sendSyncRefusal(reply, error, deps.clock.now());
  } finally {
    release?.();
  }
}

function logRefusal(request: FastifyRequest, route: Route, refusal: SyncRefusal, deps: SyncRouteDeps, throttle: LogThrottle): void {
  const centre = typeof request.headers['x-huduma-centre'] === 'string' ? request.headers['x-huduma-centre'].slice(0, 64) : undefined;
  const context = { code: refusal.code, reason: refusal.reason, route, centre, client: request.ip };
  if (refusal.statusCode >= 500 && refusal.code !== 'rate_limited') request.log.error({ ...context, err: refusal.cause ?? refusal }, refusal.message);
  else if (WORTH_A_WARNING.has(refusal.reason) && throttle.allow(`${refusal.reason}:${centre}`)) {
    const hint = refusal.reason === 'unknown_centre' ? `centre ${quote(centre ?? '')} is not registered here (register it with "huduma-secretariat centre add")` : refusal.message;
    deps.log.warn(context, `sync request refused: ${hint}`);
  } else request.log.debug({ ...context, message: refusal.message }, 'sync request refused');
}

/** Checks 10 and on for a batch: admission, decode, centre match, records, serialised apply. */
async function applyBatch(request: FastifyRequest, body: Buffer, centreId: string, deps: SyncRouteDeps): Promise<SyncAck> {
  const ticket = deps.admission.tryEnter();
  if (!ticket.admitted) {
    throw new SyncRefusal(429, 'rate_limited', `the Secretariat is applying ${deps.admission.maxConcurrent} batches already; retry after ${ticket.retryAfterS} s (Retry-After)`, {
      'retry-after': String(ticket.retryAfterS),
    }, {}, 'batches');
  }
  // The slot is held from here to the answer: inflating and parsing cost memory and
  // CPU too, and that is what the limit protects.
  try {
    const { value: batch, deep } = await decodeSyncBody(body, header(request, 'content-encoding'), SyncBatch, 'batch', 'events');
    assertSameCentre(batch.centreId, centreId);
    const intake = intakeRecords(batch.events, deps.timeZone, deep);
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
  const { value: heartbeat } = await decodeSyncBody(body, header(request, 'content-encoding'), SyncHeartbeat, 'heartbeat');
  assertSameCentre(heartbeat.centreId, centreId);
  try {
    const position = await deps.store.recordHeartbeat(centreId, heartbeat, deps.clock.now());
    return { ackedThroughSeq: position.ackedThroughSeq, highestSeq: position.highestSeq, serverTime: deps.clock.now() };
  } catch (error) {
    throw Object.assign(new SyncRefusal(503, 'store_unavailable', 'the Secretariat could not record this heartbeat; retry later'), { cause: error });
  }
}

/** Check 11: a centre's key signs only its own data. */
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
