import type { FastifyInstance } from 'fastify';

/** A hint next to one link of the start page: another address (with a token) and a note. */
export interface LandingHint {
  href?: string;
  note: string;
}

/**
 * What an embedding process (the demo) adds to the start page: hints for the hub's own
 * pages by path, and links elsewhere (the local Secretariat's NOC page). A hub in
 * production has none, so its start page holds links only, never a token or a PIN.
 */
export interface LandingHints {
  pages?: Partial<Record<string, LandingHint>>;
  more?: Array<{ label: string; href: string; note?: string }>;
}

/** Holds the hints; the demo sets them once its tokens and PIN exist (after the hub has started). */
export class LandingBoard {
  #hints: LandingHints = {};

  set(hints: LandingHints): void {
    this.#hints = hints;
  }

  get hints(): LandingHints {
    return this.#hints;
  }
}

const PAGES: Array<{ path: string; label: string; about: string }> = [
  { path: '/kiosk', label: 'Kiosk', about: 'citizens take a ticket (needs a kiosk token: huduma-hub token create --role kiosk)' },
  { path: '/counter', label: 'Counter console', about: 'an officer calls the next ticket (officer id and PIN: huduma-hub officer add)' },
  { path: '/board', label: 'Hall board', about: 'the calls, for the screen in the hall' },
  { path: '/health', label: 'Health', about: 'JSON: ports, devices, sync, store (docs/noc-runbook.md)' },
  { path: '/metrics', label: 'Metrics', about: 'Prometheus text' },
];

/**
 * `GET /`: a start page linking every page the hub serves, so a new user (or a
 * technician at a new centre) need not remember paths. The style comes from no inline
 * CSS: the content security policy allows none (hub/http/security-headers.ts).
 */
export function landingRoutes(app: FastifyInstance, deps: { centreName: string; board: LandingBoard }): void {
  app.get('/', async (_request, reply) => {
    reply.header('content-type', 'text/html; charset=utf-8');
    reply.header('cache-control', 'no-store');
    return renderLanding(deps.centreName, deps.board.hints);
  });
}

export function renderLanding(centreName: string, hints: LandingHints): string {
  const rows = PAGES.map(({ path, label, about }) => {
    const hint = hints.pages?.[path];
    return row(label, hint?.href ?? path, hint ? `${about}. ${hint.note}` : about);
  });
  const more = (hints.more ?? []).map((link) => row(link.label, link.href, link.note ?? ''));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(centreName)} · Huduma Hub</title></head>
<body><main>
<h1>${escapeHtml(centreName)}</h1>
<p>Huduma Hub: the pages of this centre.</p>
<table><tbody>
${[...rows, ...more].join('\n')}
</tbody></table>
</main></body></html>
`;
}

function row(label: string, href: string, note: string): string {
  return `<tr><th scope="row"><a href="${escapeHtml(href)}">${escapeHtml(label)}</a></th><td>${escapeHtml(note)}</td></tr>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
