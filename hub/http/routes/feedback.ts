import type { Database } from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AccessTokens } from '../../auth/access-tokens.ts';
import { requireRole } from '../auth.ts';
import { parseQuery } from '../validation.ts';

const RecentQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(50) });

interface PressRow {
  deviceId: string;
  counterId: string;
  rating: number;
  misuse: number;
  pressedAt: number;
  receivedAt: number;
  deviceAt: number | null;
  clockQuality: string;
  boot: string;
  deviceSeq: number;
  eventSeq: number;
  ticketId: string | null;
  serviceId: string | null;
}

/** `GET /api/feedback/recent?limit=N` (technician or manager): stored presses, newest press first. */
export function feedbackRoutes(app: FastifyInstance, deps: { db: Database; tokens: AccessTokens }): void {
  const recent = deps.db.prepare(`SELECT device_id AS deviceId, counter_id AS counterId, rating, misuse, pressed_at AS pressedAt,
      received_at AS receivedAt, device_at AS deviceAt, clock_quality AS clockQuality, boot, device_seq AS deviceSeq, event_seq AS eventSeq,
      ticket_id AS ticketId, service_id AS serviceId
    FROM presses ORDER BY pressed_at DESC, id DESC LIMIT ?`);

  app.get('/api/feedback/recent', { onRequest: requireRole(deps.tokens, 'technician', 'manager') }, async (request) => {
    const { limit } = parseQuery(RecentQuery, request.query);
    const rows = recent.all(limit) as PressRow[];
    return {
      presses: rows.map((row) => ({
        deviceId: row.deviceId,
        counterId: row.counterId,
        rating: row.rating,
        misuse: row.misuse === 1,
        pressedAt: new Date(row.pressedAt).toISOString(),
        receivedAt: new Date(row.receivedAt).toISOString(),
        deviceAt: row.deviceAt === null ? null : new Date(row.deviceAt).toISOString(),
        clockQuality: row.clockQuality,
        boot: row.boot,
        deviceSeq: row.deviceSeq,
        eventSeq: row.eventSeq,
        ticketId: row.ticketId,
        serviceId: row.serviceId,
      })),
    };
  });
}
