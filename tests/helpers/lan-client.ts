import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';

/**
 * Clients on "other machines of the centre LAN" for attack tests: Linux routes all of
 * 127.0.0.0/8 to the loopback, so a socket bound to 127.0.3.7 reaches a hub on
 * 127.0.0.1 and the hub sees it as a different client address. 127.0.0.1 stays the
 * legitimate kiosk/console/board; `lanAddress(i)` never returns it.
 */
export function lanAddress(i: number): string {
  return `127.0.${10 + Math.floor(i / 250)}.${1 + (i % 250)}`;
}

export interface LanAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // Tests read fields of the JSON body they expect; its static type does not matter.
  json: any;
  ms: number;
}

/** One HTTP request from `from` on its own connection (no keep-alive pool), timed. */
export function lanRequest(port: number, options: { from?: string; method?: string; path: string; headers?: Record<string, string>; body?: unknown }): Promise<LanAnswer> {
  const started = performance.now();
  const payload = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? (payload === undefined ? 'GET' : 'POST'),
        path: options.path,
        localAddress: options.from ?? '127.0.0.1',
        agent: false,
        headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }), ...options.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let json: unknown = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            json = null;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, ms: performance.now() - started });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A raw TCP connection from `from`, resolved once connected (or rejected). */
export function rawConnection(port: number, from: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: from });
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Resolves with everything the peer sent once it closes the connection. */
export function readUntilClosed(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.once('close', () => resolve(text));
  });
}

/** Resident memory and open file handles of a process (Linux /proc). */
export function processFigures(pid: number): { rssMb: number; fds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  return { rssMb: Math.round(rssKb / 102.4) / 10, fds: readdirSync(`/proc/${pid}/fd`).length };
}

/** p50 / max of a list of milliseconds, rounded to 0.1 ms (for reports, never for assertions). */
export function latencySummary(ms: number[]): { n: number; p50: number; p95: number; max: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN) * 10) / 10;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), max: Math.round((sorted.at(-1) ?? NaN) * 10) / 10 };
}
