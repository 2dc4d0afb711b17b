import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { newNonce, SYNC_PATHS } from '../../protocol/sync/index.ts';

/**
 * Raw sockets that play the probe's attacks on the Secretariat (docs/security.md,
 * "Secretariat"): a sync request with plausible headers (a known centre, the current
 * time, a fresh nonce, a signature of the right shape but wrong), whose body arrives
 * as the test decides: in part, slowly, or never finished.
 */
export interface AttackSocket {
  socket: Socket;
  /** Everything the server sent back so far. */
  received(): string;
  /** The HTTP status of the server's answer, once one arrived. */
  status(): number | undefined;
  /** Resolves when the server closed the connection (or it broke). */
  closed: Promise<void>;
  /** Writes `bytes` and resolves once they are handed to the kernel. */
  write(bytes: Buffer): Promise<void>;
}

export interface AttackRequest {
  port: number;
  /** A loopback address of its own (127.0.0.2, …): the per-address limits count per address. */
  localAddress?: string;
  centreId: string;
  /** Content-Length declared; the test sends what it likes. */
  declaredBytes: number;
  path?: string;
  /** A valid timestamp for the receiver's clock. */
  timestamp?: number;
}

export function openAttackSocket(request: AttackRequest): Promise<AttackSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port: request.port, host: '127.0.0.1', ...(request.localAddress ? { localAddress: request.localAddress } : {}) });
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      if (received.length < 4096) received += chunk.toString('latin1');
    });
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => {});
    socket.once('connect', () => {
      const head = [
        `POST ${request.path ?? SYNC_PATHS.batches} HTTP/1.1`,
        'Host: 127.0.0.1',
        'Content-Type: application/json',
        'Content-Encoding: gzip',
        `Content-Length: ${request.declaredBytes}`,
        `x-huduma-centre: ${request.centreId}`,
        `x-huduma-timestamp: ${request.timestamp ?? Date.now()}`,
        `x-huduma-nonce: ${newNonce()}`,
        `x-huduma-signature: ${randomBytes(32).toString('hex')}`,
        '',
        '',
      ].join('\r\n');
      socket.write(head);
      resolve({
        socket,
        received: () => received,
        status: () => {
          const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
          return match ? Number(match[1]) : undefined;
        },
        closed,
        write: (bytes) => new Promise<void>((done) => {
          if (socket.destroyed) return done();
          socket.write(bytes, () => done());
        }),
      });
    });
    socket.once('error', reject);
  });
}

/** The JSON body of the first answer on a socket, once it is all there. */
export function answerBody(received: string): unknown {
  const split = received.indexOf('\r\n\r\n');
  if (split === -1) return undefined;
  const length = Number(/content-length: (\d+)/i.exec(received.slice(0, split))?.[1] ?? -1);
  const body = received.slice(split + 4, split + 4 + length);
  return body.length === length ? JSON.parse(body) : undefined;
}

/**
 * Sends `body` at `bytesPerS` in slices every `everyMs`: a centre on a poor link (64
 * kbit/s is 8000 bytes/s). The timers are the link's speed, not a wait for anything.
 */
export function paced(write: (bytes: Buffer) => void, body: Buffer, bytesPerS: number, everyMs = 100): Promise<void> {
  const slice = Math.max(1, Math.round((bytesPerS * everyMs) / 1000));
  let offset = 0;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      write(body.subarray(offset, offset + slice));
      offset += slice;
      if (offset >= body.length) {
        clearInterval(timer);
        resolve();
      }
    }, everyMs);
  });
}
