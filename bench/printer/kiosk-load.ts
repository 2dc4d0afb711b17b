// The kiosk's side of the printer bench: POST /api/tickets over loopback at a fixed rate,
// open loop (each request goes out at its scheduled moment whether or not the earlier ones
// were answered, and its latencies count from that moment, so a stalled hub shows in the
// figures instead of slowing the load down). One keep-alive HTTP/1.1 agent in the bench
// process opens as many connections as the requests in flight need.
import { Agent, request } from 'node:http';
import type { TicketView } from '../../protocol/queue/ticket.ts';
import { sleep } from '../bridge/wait.ts';

/** One ticket request and what came of it. Times are performance.now() in the bench process. */
export interface TicketRequest {
  phase: 'warmup' | 'timed';
  serviceId: string;
  /** The scheduled moment: latencies count from here. */
  dueAt: number;
  /** When the bench actually sent it (timer lateness shows as sentAt − dueAt). */
  sentAt: number;
  /** The whole answer read. */
  answeredAt: number;
  status: number;
  ticket: TicketView | null;
  /** The answer's `printed`. */
  printed: boolean | null;
  error: string | null;
  /** The answer body when it was not a 201, for the report. */
  body: unknown;
}

export class KioskClient {
  readonly #port: number;
  readonly #token: string;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1024 });

  constructor(port: number, token: string) {
    this.#port = port;
    this.#token = token;
  }

  /** POST /api/tickets; resolves with the status and parsed body, rejects on a transport error. */
  issue(serviceId: string, language: 'en' | 'sw'): Promise<{ status: number; body: unknown }> {
    const payload = Buffer.from(JSON.stringify({ serviceId, category: 'regular', language }));
    const headers = { authorization: `Bearer ${this.#token}`, 'content-type': 'application/json', 'content-length': payload.length };
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: this.#port, method: 'POST', path: '/api/tickets', headers, agent: this.#agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            // kept as text for the report
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', reject);
      });
      req.setTimeout(600_000, () => req.destroy(new Error('POST /api/tickets: no answer in 600 s')));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

/**
 * `ratePerS × seconds` ticket requests, evenly spaced, cycling through `serviceIds` (so
 * every service, and every number prefix, gets its share), languages alternating. Resolves
 * once every request is answered.
 */
export async function issueOpenLoop(client: KioskClient, o: { ratePerS: number; seconds: number; serviceIds: readonly string[]; phase: TicketRequest['phase']; offset?: number }): Promise<TicketRequest[]> {
  const interval = 1000 / o.ratePerS;
  const count = Math.round(o.ratePerS * o.seconds);
  const start = performance.now();
  const pending: Array<Promise<TicketRequest>> = [];
  for (let i = 0; i < count; i++) {
    const dueAt = start + i * interval;
    const wait = dueAt - performance.now();
    if (wait > 0) await sleep(wait);
    const k = (o.offset ?? 0) + i;
    const serviceId = o.serviceIds[k % o.serviceIds.length]!;
    const sentAt = performance.now();
    pending.push(
      client.issue(serviceId, k % 2 === 0 ? 'en' : 'sw').then(
        ({ status, body }) => {
          const answeredAt = performance.now();
          const ok = status === 201 && typeof body === 'object' && body !== null && 'ticket' in body;
          const answer = body as { ticket?: TicketView; printed?: boolean };
          return { phase: o.phase, serviceId, dueAt, sentAt, answeredAt, status, ticket: ok ? answer.ticket! : null, printed: ok ? answer.printed ?? null : null, error: null, body: ok ? null : body };
        },
        (error: Error) => ({ phase: o.phase, serviceId, dueAt, sentAt, answeredAt: performance.now(), status: 0, ticket: null, printed: null, error: error.message, body: null }),
      ),
    );
  }
  return Promise.all(pending);
}
