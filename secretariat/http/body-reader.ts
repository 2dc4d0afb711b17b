import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { UploadWatch, type StallReason, type UploadWatchOptions } from './upload-watch.ts';

export type BodyFailure = StallReason | 'too_large' | 'aborted';

/** Why a body was not read to its end. `aborted`: the client went away (nobody to answer). */
export class BodyReadError extends Error {
  readonly failure: BodyFailure;
  readonly bytesRead: number;

  constructor(failure: BodyFailure, bytesRead: number) {
    super(`request body ${failure === 'aborted' ? 'cut off by the client' : failure === 'too_large' ? 'over the limit' : `dropped (${failure})`} after ${bytesRead} bytes`);
    this.name = 'BodyReadError';
    this.failure = failure;
    this.bytesRead = bytesRead;
  }
}

export interface ReadBodyOptions {
  /** Content-Length, when the request has one (the http parser holds the client to it). */
  declaredBytes: number | undefined;
  maxBytes: number;
  /** Keep and hash the bytes (a body to verify), or only count and drop them (a refused request's). */
  keep: boolean;
  watch: UploadWatchOptions;
}

export interface BodyBytes {
  /** The body exactly as sent (still compressed). Empty when not kept. */
  bytes: Buffer;
  /** Hex SHA-256 of those bytes: what the signature covers (protocol/sync/signing.ts). */
  sha256Hex: string;
  length: number;
}

const FIRST_CHUNKED_CAPACITY = 64 * 1024;

/**
 * Reads a request body as it arrives, hashing each chunk, watched for stalls
 * (upload-watch.ts). The bytes go into one buffer of the declared length (or one that
 * doubles, without a length), so a sender trickling tiny packets cannot multiply our
 * memory with per-chunk overhead, and what is held never exceeds what was sent plus
 * what was declared. Large buffers come from malloc untouched, so memory is committed
 * only as bytes arrive.
 */
export function readBody(message: IncomingMessage, options: ReadBodyOptions): Promise<BodyBytes> {
  return new Promise((resolve, reject) => {
    const hash = options.keep ? createHash('sha256') : undefined;
    let buffer = options.keep ? Buffer.allocUnsafe(Math.min(options.maxBytes, options.declaredBytes ?? FIRST_CHUNKED_CAPACITY)) : undefined;
    let length = 0;
    let settled = false;

    const finish = (error: BodyReadError | undefined) => {
      if (settled) return;
      settled = true;
      watch.stop();
      message.off('data', onData);
      message.off('end', onEnd);
      message.off('close', onClose);
      message.off('error', onClose);
      if (error) {
        buffer = undefined;
        reject(error);
      } else {
        resolve({ bytes: buffer ? buffer.subarray(0, length) : Buffer.alloc(0), sha256Hex: hash ? hash.digest('hex') : '', length });
      }
    };
    const onData = (chunk: Buffer) => {
      watch.received(chunk.length);
      if (length + chunk.length > options.maxBytes) return finish(new BodyReadError('too_large', length + chunk.length));
      if (buffer && hash) {
        if (length + chunk.length > buffer.length) {
          const grown = Buffer.allocUnsafe(Math.min(options.maxBytes, Math.max(buffer.length * 2, length + chunk.length)));
          buffer.copy(grown, 0, 0, length);
          buffer = grown;
        }
        chunk.copy(buffer, length);
        hash.update(chunk);
      }
      length += chunk.length;
    };
    const onEnd = () => finish(undefined);
    // 'close' before 'end', or an 'error' (ECONNRESET): the client is gone.
    const onClose = () => finish(new BodyReadError('aborted', length));
    const watch = new UploadWatch(options.watch, (reason) => finish(new BodyReadError(reason, length)));

    if (message.destroyed) return finish(new BodyReadError('aborted', 0));
    message.on('data', onData);
    message.once('end', onEnd);
    message.once('close', onClose);
    message.once('error', onClose);
  });
}
