import type { FastifyInstance } from 'fastify';
import { AuditQuery } from '../../../protocol/staff/api.ts';
import type { AccessTokens } from '../../auth/access-tokens.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import { requireRole } from '../auth.ts';
import { parseQuery } from '../validation.ts';

/** `GET /api/audit?limit=N`: the centre's audit trail, newest first (docs/security.md, "Audit trail"). */
export function auditRoutes(app: FastifyInstance, deps: { tokens: AccessTokens; audit: AuditLog }): void {
  app.get('/api/audit', { onRequest: requireRole(deps.tokens, 'technician', 'manager') }, async (request) => {
    const { limit } = parseQuery(AuditQuery, request.query);
    return { entries: deps.audit.newest(limit) };
  });
}
