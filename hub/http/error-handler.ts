import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from '../logger.ts';
import { ApiError } from './errors.ts';
import { clientAddress } from './limits/connection-guard.ts';
import type { HttpRefusals, RefusalReason } from './limits/refusals.ts';

/** API error codes that are refusals worth counting (docs/security.md); each is counted once, here. */
const COUNTED: Record<string, RefusalReason> = {
  unauthorized: 'unauthorized',
  too_many_attempts: 'login_throttled',
  login_locked: 'login_locked',
  json_too_deep: 'json_too_deep',
};

/** Log lines carry at most this much of anything a client chose (the URL). */
const MAX_LOGGED_CHARS = 200;

/**
 * Every error answer is `{"error": {"code", "message", "messages"?}}`, with Retry-After
 * when the refusal passes. Fastify's own refusals get codes and a message saying what
 * to change; a 5xx never shows internals and is logged with a bounded URL.
 */
export function registerErrorHandlers(app: FastifyInstance, deps: { log: Logger; refusals: HttpRefusals }): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    const address = clientAddress(request.socket?.remoteAddress);
    if (error instanceof ApiError) {
      const counted = COUNTED[error.code];
      if (counted) deps.refusals.count(counted, address);
      if (error.retryAfterS !== undefined) reply.header('retry-after', String(error.retryAfterS));
      return reply.status(error.statusCode).send({ error: { ...error.fields, code: error.code, message: error.message, ...(error.messages && { messages: error.messages }) } });
    }
    const { statusCode: status, code } = error as FastifyError;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      deps.refusals.count('body_too_large', address);
      const limit = request.routeOptions.bodyLimit;
      return reply.status(413).send({ error: { code: 'body_too_large', message: `the request body is over the ${limit} bytes this route takes; send less (the limits are in docs/security.md)` } });
    }
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.status(415).send({ error: { code: 'unsupported_media_type', message: 'send the body as JSON with Content-Type: application/json' } });
    }
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.status(status).send({ error: { code: 'bad_request', message: truncate(error.message || 'bad request') } });
    }
    request.log.error({ err: error, method: request.method, url: truncate(request.url) }, 'request failed');
    // 5xx bodies never show internals.
    return reply.status(500).send({ error: { code: 'internal', message: 'internal error; see the hub log' } });
  });
  // An unknown route is answered before its body is read (onSend then closes the connection).
  app.addHook('onRequest', async (request) => {
    if (request.is404) throw new ApiError(404, 'not_found', `no route ${request.method} ${truncate(request.url)}`);
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${truncate(request.url)}` } });
  });
}

function truncate(text: string): string {
  return text.length > MAX_LOGGED_CHARS ? `${text.slice(0, MAX_LOGGED_CHARS)}…` : text;
}
