import type { FastifyInstance } from 'fastify';
import { PairingOpenRequest, type PairingOpenResponse } from '../../../protocol/staff/api.ts';
import { actorOf, type AccessTokens, type TokenGrant } from '../../auth/access-tokens.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import type { PairingCodes } from '../../devices/pairing-codes.ts';
import { requireRole } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { parseBody } from '../validation.ts';

/**
 * `POST /api/pairing {"counterId"}`: a technician opens a pairing code for the device
 * about to be plugged in at that counter (docs/provisioning.md, "Pairing a feedback
 * device by code"). The code itself never reaches the audit trail or the log.
 */
export function pairingRoutes(app: FastifyInstance, deps: { live: { counterIds(): Set<string> }; tokens: AccessTokens; pairingCodes: PairingCodes; audit: AuditLog }): void {
  app.post('/api/pairing', { onRequest: requireRole(deps.tokens, 'technician', 'manager') }, async (request, reply) => {
    const { counterId } = parseBody(PairingOpenRequest, request.body);
    const counters = deps.live.counterIds();
    if (!counters.has(counterId)) {
      throw new ApiError(404, 'counter_unknown', `unknown counter "${counterId}"; this centre has: ${[...counters].sort().join(', ')}`);
    }
    const actor = actorOf((request as typeof request & { grant: TokenGrant }).grant);
    const opened: PairingOpenResponse = deps.pairingCodes.open(counterId, actor);
    await deps.audit.record({ actor }, 'pairing.opened', counterId, { expiresAt: opened.expiresAt });
    return reply.code(201).send(opened);
  });
}
