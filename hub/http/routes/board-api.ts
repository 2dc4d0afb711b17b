import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf, type AccessTokens, type TokenGrant } from '../../auth/access-tokens.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import type { SignHealth } from '../../peripherals/serial-call-signs.ts';
import { requireRole } from '../auth.ts';
import { ApiError } from '../errors.ts';

export interface BoardApiDeps {
  tokens: AccessTokens;
  audit: AuditLog;
  boards: { health(): SignHealth[]; testPattern(id: string): Promise<SignHealth | null> };
}

/**
 * `GET /api/boards` and `POST /api/boards/{id}/test` (docs/provisioning.md, "Printer and
 * board tests"): the hall boards and counter displays with whether each answers, and a
 * test pattern on one of them, audited. A hall board's id is the config's; a counter
 * display's is `display-COUNTER`.
 */
export function boardApiRoutes(app: FastifyInstance, deps: BoardApiDeps): void {
  const staff = { onRequest: requireRole(deps.tokens, 'technician', 'manager') };
  app.get('/api/boards', staff, async () => ({ boards: deps.boards.health() }));
  app.post<{ Params: { boardId: string } }>('/api/boards/:boardId/test', staff, async (request) => {
    const { boardId } = request.params;
    const actor = { actor: actorOf((request as FastifyRequest & { grant: TokenGrant }).grant) };
    if (!deps.boards.health().some((b) => b.id === boardId)) {
      throw new ApiError(404, 'board_unknown', `no board or display "${boardId}"; GET /api/boards lists them (${deps.boards.health().map((b) => b.id).join(', ') || 'none configured'})`);
    }
    let shown: SignHealth | null = null;
    let error: string | null = null;
    try {
      shown = await deps.boards.testPattern(boardId);
    } catch (e) {
      error = (e as Error).message;
    }
    await deps.audit.record(actor, 'board.test', boardId, { shown: error === null, ...(error !== null && { error: error.slice(0, 300) }) });
    if (error !== null) throw new ApiError(503, 'board_unavailable', `the test pattern did not reach "${boardId}": ${error}`);
    return { board: shown, shown: true };
  });
}
