import type { FastifyInstance, FastifyRequest } from 'fastify';

/** What stays on plaintext HTTP when the centre runs TLS only: for local monitoring. */
const PLAINTEXT_PATHS = new Set(['/health', '/metrics']);
/** A Host header we are willing to put into a redirect (name, IPv4, or [IPv6]), port stripped. */
const HOST = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]{1,253})(:\d{1,5})?$/;

/**
 * With `tls.allowPlaintext` false, plaintext HTTP answers /health and /metrics and
 * sends everything else to HTTPS (308 keeps the method and body), so a token or PIN
 * typed into a page never crosses the LAN in clear (docs/security.md, "TLS").
 */
export function redirectPlaintextToHttps(app: FastifyInstance, httpsPort: () => number): void {
  app.addHook('onRequest', async (request, reply) => {
    if (isEncrypted(request) || PLAINTEXT_PATHS.has(request.url.split('?', 1)[0]!)) return;
    const host = HOST.exec(request.headers.host ?? '')?.[1] ?? localHost(request);
    return reply.redirect(`https://${host}:${httpsPort()}${request.url}`, 308);
  });
}

function isEncrypted(request: FastifyRequest): boolean {
  return (request.raw.socket as { encrypted?: boolean }).encrypted === true;
}

function localHost(request: FastifyRequest): string {
  const address = request.raw.socket.localAddress ?? '127.0.0.1';
  return address.includes(':') ? `[${address}]` : address;
}
