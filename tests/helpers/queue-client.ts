import BetterSqlite3 from 'better-sqlite3';
import { hubDatabasePath } from '../../hub/store/database.ts';
import type { HubAdmin } from '../../hub/hub.ts';
import { withDeadline, WAIT_MS } from './deadline.ts';

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** Real HTTP calls to a hub's API (fetch over loopback), with a bearer token. */
export class QueueClient {
  readonly base: string;

  constructor(httpPort: number) {
    this.base = `http://127.0.0.1:${httpPort}`;
  }

  call<T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, token: string | null, body?: unknown): Promise<ApiAnswer<T>> {
    return withDeadline(this.#call<T>(method, path, token, body), WAIT_MS, `the hub's answer to ${method} ${path}`);
  }

  async #call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, token: string | null, body?: unknown): Promise<ApiAnswer<T>> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }

  issue(token: string, serviceId: string, category = 'regular', language = 'en') {
    return this.call<{ ticket: Ticket; error?: ApiErrorBody }>('POST', '/api/tickets', token, { serviceId, category, language });
  }

  counter(token: string, counterId: string, action: string, body?: unknown) {
    return this.call<{ ticket: Ticket | null; error?: ApiErrorBody }>('POST', `/api/counters/${counterId}/${action}`, token, body ?? {});
  }
}

export interface Ticket {
  id: string;
  number: string;
  serviceId: string;
  status: string;
  category: string;
  counterId: string | null;
  calls: number;
  peopleAhead: number;
  quotedWait: { lowMin: number; highMin: number } | null;
}

export interface ApiErrorBody {
  code: string;
  message: string;
  messages?: { en: string; sw: string };
}

/** Tokens for each role, made through the running hub's own token store. */
export function tokensFor(fixture: { admin: HubAdmin }, counterIds: string[]): { kiosk: string; manager: string; technician: string; officer: (counterId: string) => string } {
  const tokens = fixture.admin.tokens;
  const valid = new Set(counterIds);
  const officers = new Map<string, string>();
  return {
    kiosk: tokens.create('kiosk', null, valid).token,
    manager: tokens.create('manager', null, valid).token,
    technician: tokens.create('technician', null, valid).token,
    officer(counterId) {
      if (!officers.has(counterId)) officers.set(counterId, tokens.create('officer', counterId, valid).token);
      return officers.get(counterId)!;
    },
  };
}

/** The outbox rows of `type`, data parsed, in seq order: read from the hub's database file. */
export function outboxEvents(dataDir: string, type: string): Array<Record<string, unknown>> {
  const db = new BetterSqlite3(hubDatabasePath(dataDir), { readonly: true });
  try {
    return db
      .prepare('SELECT data FROM outbox WHERE type = ? ORDER BY seq')
      .all(type)
      .map((row) => JSON.parse((row as { data: string }).data) as Record<string, unknown>);
  } finally {
    db.close();
  }
}
