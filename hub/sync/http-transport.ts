import http from 'node:http';
import https from 'node:https';
import { SyncErrorBody } from '../../protocol/sync/batch.ts';
import { SyncError } from './sync-errors.ts';

export interface PostResult {
  status: number;
  json: unknown;
}

/** The one thing the sync client needs from HTTP; tests may pass their own. */
export interface SyncTransport {
  post(path: string, body: Buffer, headers: Record<string, string>, timeoutMs: number): Promise<PostResult>;
  close(): void;
}

const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * POSTs over node:http(s) with one keep-alive socket (the sender has at most one
 * batch and one heartbeat in flight). Every failure becomes a SyncError: a reset or
 * refused connection, a stall past the timeout, an error status with the
 * Secretariat's code, `Retry-After` on 429.
 */
export class HttpSyncTransport implements SyncTransport {
  readonly #base: URL;
  readonly #agent: http.Agent;
  readonly #request: typeof http.request;

  readonly #now: () => number;

  /** `now` (the injected clock) dates an HTTP-date Retry-After. */
  constructor(baseUrl: string, now: () => number) {
    this.#now = now;
    this.#base = new URL(baseUrl);
    const secure = this.#base.protocol === 'https:';
    this.#agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 2 }) : new http.Agent({ keepAlive: true, maxSockets: 2 });
    this.#request = secure ? https.request : http.request;
  }

  /** The path as the server sees it (the signature covers it), under the base URL's path. */
  pathFor(path: string): string {
    return `${this.#base.pathname.replace(/\/$/, '')}${path}`;
  }

  post(path: string, body: Buffer, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
    return new Promise((resolve, reject) => {
      const req = this.#request(
        { protocol: this.#base.protocol, hostname: this.#base.hostname, port: this.#base.port, path, method: 'POST', agent: this.#agent, headers: { ...headers, 'content-length': String(body.length) } },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) req.destroy(new Error('response too large'));
            else chunks.push(chunk);
          });
          res.on('error', (error) => {
            clearTimeout(timer);
            reject(networkError(error));
          });
          res.on('end', () => {
            clearTimeout(timer);
            const status = res.statusCode ?? 0;
            let json: unknown = null;
            try {
              json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              // Kept null: an error status below still explains itself.
            }
            if (status >= 200 && status < 300) return resolve({ status, json });
            reject(statusError(status, json, res.headers['retry-after'], this.#now()));
          });
        },
      );
      const timer = setTimeout(() => req.destroy(new SyncError('timeout', 'timeout', `no answer from the Secretariat within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error instanceof SyncError ? error : networkError(error));
      });
      req.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

function networkError(error: Error): SyncError {
  const code = (error as { code?: string }).code ?? 'network_error';
  return new SyncError('network', code, `could not reach the Secretariat: ${error.message}`, { cause: error });
}

function statusError(status: number, json: unknown, retryAfter: string | undefined, now: number): SyncError {
  const parsed = SyncErrorBody.safeParse(json);
  const code = parsed.success ? parsed.data.error.code : `http_${status}`;
  const message = parsed.success ? parsed.data.error.message : `the Secretariat answered HTTP ${status}`;
  const serverTime = parsed.success ? parsed.data.serverTime : null;
  if (status === 429) return new SyncError('rate_limited', code, message, { status, retryAfterMs: parseRetryAfter(retryAfter, now), serverTime });
  if (status === 413) return new SyncError('too_large', code, message, { status, serverTime });
  if (code === 'timestamp_skew') return new SyncError('clock', code, message, { status, serverTime });
  if (code === 'seq_conflict' && parsed.success && parsed.data.conflicts?.length && parsed.data.highestSeq !== undefined) {
    return new SyncError('conflict', code, message, { status, serverTime, conflicts: { seqs: parsed.data.conflicts, highestSeq: parsed.data.highestSeq } });
  }
  if (status >= 500 || status === 408) return new SyncError('server', code, message, { status, serverTime });
  return new SyncError('refused', code, message, { status, serverTime });
}

/** Retry-After is delta-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
