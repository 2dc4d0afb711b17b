import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LocalDate } from '../../../protocol/reports/daily-report.ts';
import type { AccessTokens } from '../../auth/access-tokens.ts';
import type { DailyReports } from '../../reports/daily-reports.ts';
import { reportHtml } from '../../reports/report-html.ts';
import { reportPdf } from '../../reports/report-pdf.ts';
import { requireRole } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { parseQuery } from '../validation.ts';

const DailyQuery = z.object({ date: LocalDate.optional() });
const DATED_FILE = /^(\d{4}-\d{2}-\d{2})\.(html|pdf)$/;

/**
 * The daily report (process contract "Manager"; docs/reports.md), for managers and
 * technicians: `GET /api/reports/daily?date=` (JSON; default today in the centre's
 * zone), `/api/reports/daily/YYYY-MM-DD.html` and `.pdf`.
 */
export function reportRoutes(app: FastifyInstance, deps: { tokens: AccessTokens; reports: DailyReports; centreName: () => string }): void {
  const onRequest = requireRole(deps.tokens, 'manager', 'technician');
  app.get('/api/reports/daily', { onRequest }, async (request) => {
    const { date } = parseQuery(DailyQuery, request.query);
    return deps.reports.forDate(checked(date ?? deps.reports.today()));
  });
  app.get<{ Params: { file: string } }>('/api/reports/daily/:file', { onRequest }, async (request, reply) => {
    const match = DATED_FILE.exec(request.params.file);
    if (!match) throw new ApiError(404, 'not_found', 'ask for /api/reports/daily/YYYY-MM-DD.html or .pdf');
    const report = deps.reports.forDate(checked(match[1]!));
    if (match[2] === 'html') return reply.type('text/html; charset=utf-8').send(reportHtml(report, deps.centreName()));
    const pdf = await reportPdf(report, deps.centreName());
    return reply.type('application/pdf').header('content-disposition', `inline; filename="daily-report-${report.date}.pdf"`).send(pdf);
  });
}

/** A real calendar date: 2026-02-30 would silently be 2 March. */
function checked(date: string): string {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) throw new ApiError(400, 'invalid_query', `date: "${date}" is not a calendar date (YYYY-MM-DD)`);
  return date;
}
