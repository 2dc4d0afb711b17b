import type { Database } from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AccessTokens } from '../../auth/access-tokens.ts';
import { FeedbackQueries } from '../../ingest/feedback-queries.ts';
import { requireRole } from '../auth.ts';
import { parseQuery } from '../validation.ts';

const RecentQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(50) });

/** `GET /api/feedback/recent?limit=N` (technician or manager): stored presses, newest press first. */
export function feedbackRoutes(app: FastifyInstance, deps: { db: Database; tokens: AccessTokens }): void {
  const feedback = new FeedbackQueries(deps.db);

  app.get('/api/feedback/recent', { onRequest: requireRole(deps.tokens, 'technician', 'manager') }, async (request) => {
    const { limit } = parseQuery(RecentQuery, request.query);
    return { presses: feedback.recent(limit) };
  });
}
