import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Guards the NOC API when a NOC token is configured (`--noc-token`); without one the
 * API is readable by anyone who can reach it (a NOC LAN). Both sides are hashed
 * before the constant-time compare so neither the token's content nor its length
 * leaks through timing.
 */
export function nocTokenGuard(token: string | undefined) {
  const expected = token === undefined ? null : digest(token);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (expected === null) return;
    const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      await reply
        .status(401)
        .header('www-authenticate', 'Bearer realm="huduma-noc"')
        .send({ error: { code: 'unauthorized', message: 'send Authorization: Bearer NOC_TOKEN (the token the Secretariat was started with, --noc-token); on the NOC page, open /noc#token=NOC_TOKEN' } });
    }
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
