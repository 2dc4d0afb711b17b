import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf, type AccessTokens, type TokenGrant } from '../../auth/access-tokens.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import type { ConfigApplier } from '../../config/config-applier.ts';
import { redactedConfig, type LiveConfig } from '../../config/live-config.ts';
import { requireRole } from '../auth.ts';
import { ApiError } from '../errors.ts';

export interface ConfigApiDeps {
  tokens: AccessTokens;
  audit: AuditLog;
  live: LiveConfig;
  applier: ConfigApplier;
  /** A whole centre config is far larger than a button's body: the appointments list's limit. */
  bodyLimit: number;
}

/**
 * The centre config, live (docs/live-config.md), for technicians and managers: view it
 * (secrets redacted), validate a whole config (each issue names its field and the
 * fix, as at start), apply one without a restart. A config that is refused changes
 * nothing; an applied one is audited with the sections it changed.
 */
export function configApiRoutes(app: FastifyInstance, deps: ConfigApiDeps): void {
  const staff = { onRequest: requireRole(deps.tokens, 'technician', 'manager'), bodyLimit: deps.bodyLimit };
  const actor = (request: FastifyRequest) => ({ actor: actorOf((request as FastifyRequest & { grant: TokenGrant }).grant) });
  const invalid = (issues: Array<{ path: string; message: string }>) =>
    new ApiError(400, 'invalid_config', `the config has ${issues.length} problem(s); each names its field and the fix`, undefined, { fields: { issues } });

  app.get('/api/config', { onRequest: staff.onRequest }, async () => redactedConfig(deps.live.current));

  app.post('/api/config/validate', staff, async (request) => {
    const issues = deps.applier.validate(request.body);
    if (issues.length > 0) throw invalid(issues);
    return { ok: true };
  });

  app.put('/api/config', staff, async (request) => {
    const outcome = await deps.applier.apply(request.body);
    switch (outcome.kind) {
      case 'invalid':
        throw invalid(outcome.issues);
      case 'restart_required':
        throw new ApiError(409, 'restart_required', `not applied: ${outcome.issues.map((i) => i.path).join(', ')} change only with a restart`, undefined, { fields: { issues: outcome.issues } });
      case 'refused':
        throw new ApiError(409, 'config_refused', `not applied: ${outcome.issues.map((i) => i.message).join('; ')}`, undefined, { fields: { issues: outcome.issues } });
      case 'applied':
        await deps.audit.record(actor(request), 'config.applied', null, { changed: outcome.changed.join(',') || 'nothing' });
        return { applied: true, changed: outcome.changed, persistedTo: outcome.persistedTo };
    }
  });
}
