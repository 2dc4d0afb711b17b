import type { FastifyInstance } from 'fastify';

/**
 * On every answer (pages, API, errors, the event stream, refused connections): the
 * pages are plain files under kiosk/public with no inline script, style or handler, so
 * the policy allows only the hub's own files; `data:` images for the empty favicon
 * link. `frame-ancestors 'none'` and X-Frame-Options keep the counter console from
 * being framed by another page (clickjacking). See docs/security.md, "Hub HTTP API".
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * Adds the headers to every fastify answer. A refusal sent before the request body was
 * read (401 at onRequest, 413 from Content-Length) also closes the connection: the
 * client must not keep the socket by trickling a body nobody will read.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    if (reply.statusCode >= 400 && !request.raw.complete) reply.header('connection', 'close');
    return payload;
  });
}
