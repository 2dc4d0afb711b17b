import type { FastifyRequest } from 'fastify';
import type { AccessTokens, Role, TokenGrant } from '../auth/access-tokens.ts';
import { ApiError } from './errors.ts';

/**
 * An onRequest hook that admits a request whose `Authorization: Bearer TOKEN` names an
 * active token of one of `roles`. 401 without a valid token, 403 with the wrong role.
 * Used as `onRequest`, never `preHandler`: it runs before the body is read, so a caller
 * without a token cannot make the hub buffer a body (docs/security.md).
 */
export function requireRole(tokens: AccessTokens, ...roles: Role[]) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    // Three answers a caller can act on: nothing sent, sent in the wrong form, or a token
    // that does not work. A malformed token and an unknown one get the same words, so the
    // answer never tells which tokens exist (docs/security.md, "Hub HTTP API").
    if (header === undefined || header.trim() === '') throw new ApiError(401, 'unauthorized', `no token sent: add the header "Authorization: Bearer TOKEN" with ${withArticle(roles.join(' or '))} token (huduma-hub token create --role ${roles[0]})`);
    if (!/^Bearer (\S+)$/i.test(header.trim())) throw new ApiError(401, 'unauthorized', 'the Authorization header must read "Bearer TOKEN" (one space, then the token)');
    const token = bearerToken(request);
    const grant = token === null ? null : tokens.verify(token);
    if (!grant) throw new ApiError(401, 'unauthorized', 'this token is not valid: mistyped, expired or revoked (huduma-hub token list shows the active ones)');
    if (!roles.includes(grant.role)) throw new ApiError(403, 'forbidden', `this needs ${withArticle(roles.join(' or '))} token; yours is ${withArticle(grant.role)} token`);
    (request as FastifyRequest & { grant?: TokenGrant }).grant = grant;
  };
}

/** "an officer", "a technician": every role name reads in a sentence. */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

/** The token of `Authorization: Bearer TOKEN`, or null when there is none of the right shape. */
export function bearerToken(request: FastifyRequest): string | null {
  const match = /^Bearer (\S+)$/i.exec(request.headers.authorization?.trim() ?? '');
  return match && /^[A-Za-z0-9_-]{16,128}$/.test(match[1]!) ? match[1]! : null;
}
