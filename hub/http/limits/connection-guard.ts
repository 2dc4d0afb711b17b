import type { IncomingMessage } from 'node:http';
import type { Server as NetServer, Socket } from 'node:net';
import { SECURITY_HEADERS } from '../security-headers.ts';
import { FairShareQuota } from './fair-share.ts';
import type { HttpRefusals } from './refusals.ts';

/** A client's address as the limits key it: IPv4-mapped IPv6 folded to IPv4, bounded in length. */
export function clientAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  return (address.startsWith('::ffff:') ? address.slice(7) : address).slice(0, 64);
}

const SPOKE = Symbol('huduma.spoke');
/** A refused connection that never reads its answer is dropped after this. */
const REFUSAL_LINGER_MS = 2000;
const CONNECTION_RETRY_AFTER_S = 10;

/**
 * Caps the HTTP connections of one client address and in all (config
 * http.limits.connectionsPerAddress / connectionsTotal; docs/security.md), at accept
 * time, before a byte is parsed. A refused connection gets a 503 JSON answer with
 * Retry-After and is closed; the parser never sees its request. When all places are
 * taken, the address holding the most gives up its oldest connection to a newcomer
 * holding fewer (FairShareQuota), so a kiosk still gets in while a hostile client fills
 * the hub from many addresses.
 */
export class ConnectionGuard {
  readonly #quota: FairShareQuota<Socket>;
  readonly #refusals: HttpRefusals;

  readonly #limits: { headersTimeoutMs: number; idleTimeoutMs: number };

  constructor(limits: { connectionsPerAddress: number; connectionsTotal: number; headersTimeoutMs: number; idleTimeoutMs: number }, refusals: HttpRefusals) {
    this.#quota = new FairShareQuota({ perAddress: limits.connectionsPerAddress, total: limits.connectionsTotal });
    this.#refusals = refusals;
    this.#limits = limits;
  }

  /** Guards one more listener (HTTP, and HTTPS with TLS); all share the same places. */
  watch(server: NetServer): void {
    server.on('connection', (socket: Socket) => this.#admit(socket));
    // Node's header time-out only starts with the first byte of a request: a connection
    // that never says anything would be kept for the whole idle time-out. So a new
    // connection gets the header time-out as its idle time-out until its first request.
    server.on('request', (request: IncomingMessage) => {
      if ((request.socket as Socket & { [SPOKE]?: boolean })[SPOKE]) return;
      (request.socket as Socket & { [SPOKE]?: boolean })[SPOKE] = true;
      request.socket.setTimeout(this.#limits.idleTimeoutMs);
    });
  }

  get open(): number {
    return this.#quota.size;
  }

  #admit(socket: Socket): void {
    const address = clientAddress(socket.remoteAddress);
    const admission = this.#quota.admit(address, socket);
    if (!admission.admitted) {
      const perAddress = admission.reason === 'per_address';
      this.#refusals.count(perAddress ? 'connections_per_address' : 'connections_total', address);
      refuse(
        socket,
        perAddress
          ? `this address holds ${this.#quota.perAddress} connections to the hub already, the most one client may (http.limits.connectionsPerAddress); close some and retry`
          : `the hub holds the most connections it takes (http.limits.connectionsTotal); retry in ${CONNECTION_RETRY_AFTER_S} s`,
      );
      return;
    }
    if (admission.evicted) {
      this.#refusals.count('connection_evicted', admission.evicted.address);
      admission.evicted.item.destroy();
    }
    socket.setTimeout(this.#limits.headersTimeoutMs);
    socket.once('close', () => this.#quota.release(address, socket));
  }
}

/** Answers 503 in raw HTTP/1.1 and closes; the socket is paused so no request reaches the routes. */
function refuse(socket: Socket, message: string): void {
  socket.pause();
  const body = JSON.stringify({ error: { code: 'too_many_connections', message } });
  const headers = Object.entries(SECURITY_HEADERS)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const head = `HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json; charset=utf-8\r\nretry-after: ${CONNECTION_RETRY_AFTER_S}\r\n${headers}connection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`;
  socket.setTimeout(REFUSAL_LINGER_MS, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.end(head + body, () => socket.destroy());
}
