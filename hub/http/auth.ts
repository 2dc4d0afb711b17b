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
    const token = bearerToken(request);
    if (token === null) throw new ApiError(401, 'unauthorized', 'send Authorization: Bearer TOKEN (huduma-hub token create --role ...)');
    const grant = tokens.verify(token);
    if (!grant) throw new ApiError(401, 'unauthorized', 'unknown, expired or revoked token (huduma-hub token list shows the active ones)');
    if (!roles.includes(grant.role)) throw new ApiError(403, 'forbidden', `this needs a ${roles.join(' or ')} token; yours is ${grant.role}`);
    (request as FastifyRequest & { grant?: TokenGrant }).grant = grant;
  };
}

/** The token of `Authorization: Bearer TOKEN`, or null when there is none of the right shape. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(header);
  return match ? match[1]! : null;
}
