import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

/**
 * The NOC wall page. One self-contained HTML file read once at start (no CDN, no
 * build step); it reads `/api/centres` itself, so the page needs no token: the API does.
 */
export function nocRoutes(app: FastifyInstance): void {
  const page = readFileSync(new URL('../noc/noc.html', import.meta.url), 'utf8');
  app.get('/', async (_request, reply) => reply.redirect('/noc', 302));
  app.get('/noc', async (_request, reply) => reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(page));
}
