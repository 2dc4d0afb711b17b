// Open-loop HTTP load on the hub's queue API: every request is sent at its scheduled
// moment whether or not earlier ones have been answered, and its latency counts from that
// moment (so a stalled server shows in the latency instead of slowing the load down: no
// coordinated omission). One keep-alive HTTP/1.1 agent in the bench process, opening as
// many connections as the requests in flight need.
import { Agent, request } from 'node:http';
import { sleep } from '../bridge/wait.ts';

export interface Answer {
  status: number;
  body: unknown;
}

/** The hub's HTTP API over loopback, with a bearer token per request. */
export class HubApi {
  readonly #port: number;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 256 });

  constructor(port: number) {
    this.#port = port;
  }

  call(method: 'GET' | 'POST', path: string, token: string | null, body?: unknown): Promise<Answer> {
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': payload.length });
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: this.#port, method, path, headers, agent: this.#agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            // not JSON: kept as text for the error report
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      });
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
      req.on('error', reject);
      req.end(payload ?? undefined);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** One request of a schedule: when it was due, what came back, how long from due to answer. */
export interface Sample {
  kind: string;
  /** performance.now() of the scheduled moment. */
  dueAt: number;
  /** How late the bench sent it (timer lateness, a busy bench process). */
  sendLagMs: number;
  /** Scheduled moment → the whole answer read. */
  latencyMs: number;
  status: number;
  body: unknown;
  error: string | null;
}

export interface Scheduled {
  /** Offset from the schedule's start, ms. */
  atMs: number;
  kind: string;
  send: () => Promise<Answer>;
}

/**
 * Sends each request at its moment (never waiting for earlier answers) and resolves with
 * every sample once all are answered.
 */
export async function runOpenLoop(schedule: readonly Scheduled[]): Promise<Sample[]> {
  const sorted = [...schedule].sort((a, b) => a.atMs - b.atMs);
  const start = performance.now();
  const pending: Array<Promise<Sample>> = [];
  let next = 0;
  while (next < sorted.length) {
    const now = performance.now();
    while (next < sorted.length && start + sorted[next]!.atMs <= now) {
      const item = sorted[next++]!;
      const dueAt = start + item.atMs;
      const sentAt = performance.now();
      pending.push(
        item.send().then(
          (answer) => ({ kind: item.kind, dueAt, sendLagMs: sentAt - dueAt, latencyMs: performance.now() - dueAt, status: answer.status, body: answer.body, error: null }),
          (error: Error) => ({ kind: item.kind, dueAt, sendLagMs: sentAt - dueAt, latencyMs: performance.now() - dueAt, status: 0, body: null, error: error.message }),
        ),
      );
    }
    if (next < sorted.length) await sleep(Math.max(0, start + sorted[next]!.atMs - performance.now()));
  }
  return Promise.all(pending);
}

/** `count` moments `1000 / ratePerS` ms apart, from `phaseMs`. */
export function evenly(ratePerS: number, seconds: number, phaseMs = 0): number[] {
  const interval = 1000 / ratePerS;
  const times: number[] = [];
  for (let t = phaseMs; t < seconds * 1000; t += interval) times.push(t);
  return times;
}
