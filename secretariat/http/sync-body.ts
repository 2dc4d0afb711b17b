import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { z } from 'zod';
import { formatIssues } from '../../protocol/format-issues.ts';
import { SYNC_MAX_INFLATED_BYTES } from '../../protocol/sync/index.ts';
import { SyncRefusal } from './sync-errors.ts';

const gunzipAsync = promisify(gunzip);

/**
 * Check 7: inflates (gzip, or identity), parses JSON and the zod schema. Inflation is
 * capped at SYNC_MAX_INFLATED_BYTES so a small gzip bomb cannot exhaust memory; it runs
 * on the thread pool so a 16 MB batch does not stall other centres' requests.
 */
export async function decodeSyncBody<S extends z.ZodType>(body: Buffer, contentEncoding: string | undefined, schema: S, what: string): Promise<z.infer<S>> {
  const text = (await inflate(body, contentEncoding)).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SyncRefusal(400, 'malformed_batch', `${what} body is not JSON after decompression (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    throw new SyncRefusal(400, 'malformed_batch', `${what} does not match the sync v1 contract: ${formatIssues(parsed.error).slice(0, 5).join('; ')}`);
  }
  return parsed.data;
}

async function inflate(body: Buffer, contentEncoding: string | undefined): Promise<Buffer> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') {
    if (body.length > SYNC_MAX_INFLATED_BYTES) throw tooLarge();
    return body;
  }
  if (encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw new SyncRefusal(400, 'malformed_batch', `content-encoding ${JSON.stringify(encoding)} is not supported; send gzip (or identity)`);
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
