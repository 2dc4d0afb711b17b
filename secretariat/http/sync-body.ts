import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { z } from 'zod';
import { formatIssues } from '../../protocol/format-issues.ts';
import { SYNC_MAX_INFLATED_BYTES } from '../../protocol/sync/index.ts';
import { EVENT_DEPTH, MAX_DATA_DEPTH, parseWithDepthLimit, type DeepRecord } from '../sync/json-depth.ts';
import { SyncRefusal } from './sync-errors.ts';

const gunzipAsync = promisify(gunzip);

export const SUPPORTED_ENCODINGS = ['gzip', 'x-gzip', 'identity', ''] as const;

export interface DecodedBody<T> {
  value: T;
  /** Records cut out for nesting too deep (json-depth.ts), by index; quarantined by the intake. */
  deep: ReadonlyMap<number, DeepRecord>;
}

/**
 * After the signature verified: inflates (gzip, or identity), parses JSON with the
 * nesting limit and the zod schema. Nothing is inflated before verification: the
 * signature covers the bytes as sent, and inflating an unverified body would let
 * anyone make the receiver hold 16 MiB and spend the CPU to fill it per 16 KiB sent
 * (docs/security.md, "Secretariat"). Inflation is capped at SYNC_MAX_INFLATED_BYTES
 * (a gzip bomb stops there) and runs on the thread pool, so a 16 MB batch does not
 * stall other centres' requests.
 */
export async function decodeSyncBody<S extends z.ZodType>(body: Buffer, contentEncoding: string | undefined, schema: S, what: string, recordsKey?: string): Promise<DecodedBody<z.infer<S>>> {
  const text = (await inflate(body, contentEncoding)).toString('utf8');
  let parsed: ReturnType<typeof parseWithDepthLimit>;
  try {
    parsed = parseWithDepthLimit(text, EVENT_DEPTH + MAX_DATA_DEPTH, recordsKey);
  } catch (error) {
    throw new SyncRefusal(400, 'malformed_batch', `${what} body is not JSON after decompression (${(error as Error).message})`);
  }
  if (!parsed.ok) throw new SyncRefusal(400, 'malformed_batch', `${what} body ${parsed.message}; an event's data may nest ${MAX_DATA_DEPTH} levels`);
  const checked = schema.safeParse(parsed.value, { reportInput: true });
  if (!checked.success) {
    throw new SyncRefusal(400, 'malformed_batch', `${what} does not match the sync v1 contract: ${formatIssues(checked.error).slice(0, 5).join('; ')}`);
  }
  return { value: checked.data, deep: parsed.deep };
}

/** The Content-Encoding header as the decoder understands it, or a 400 naming what to send. */
export function checkContentEncoding(contentEncoding: string | undefined): void {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (!(SUPPORTED_ENCODINGS as readonly string[]).includes(encoding)) {
    throw new SyncRefusal(400, 'malformed_batch', `content-encoding ${JSON.stringify(encoding)} is not supported; send gzip (or identity)`);
  }
}

async function inflate(body: Buffer, contentEncoding: string | undefined): Promise<Buffer> {
  checkContentEncoding(contentEncoding);
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') {
    if (body.length > SYNC_MAX_INFLATED_BYTES) throw tooLarge();
    return body;
  }
  try {
    return await gunzipAsync(body, { maxOutputLength: SYNC_MAX_INFLATED_BYTES });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
    throw new SyncRefusal(400, 'malformed_batch', `body is not valid gzip although content-encoding says gzip (${(error as Error).message}); compress the JSON body with gzip`);
  }
}

function tooLarge(): SyncRefusal {
  return new SyncRefusal(413, 'payload_too_large', `body inflates to more than ${SYNC_MAX_INFLATED_BYTES} bytes; send fewer events per batch`);
}
