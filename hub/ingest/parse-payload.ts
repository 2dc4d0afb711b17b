import type { z } from 'zod';
import { formatIssues } from '../../protocol/format-issues.ts';

/**
 * Device payloads nest a few levels at most. Deeper JSON is refused before anything
 * recurses over it (JSON.stringify of a 20,000-deep array overflows the stack).
 */
export const MAX_PAYLOAD_DEPTH = 16;

export type ParsedPayload<T> = { ok: true; value: T } | { ok: false; detail: string };

/** JSON, then depth, then the message's zod schema: the boundary every uplink passes. */
export function parseJsonPayload<T extends z.ZodType>(schema: T, payload: Buffer): ParsedPayload<z.infer<T>> {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch (error) {
    return { ok: false, detail: `not JSON: ${(error as Error).message}` };
  }
  if (exceedsDepth(json, MAX_PAYLOAD_DEPTH)) return { ok: false, detail: `nested deeper than ${MAX_PAYLOAD_DEPTH} levels` };
  const parsed = schema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, detail: formatIssues(parsed.error).join('; ') };
}

/** Iterative, so the check itself cannot overflow the stack. */
function exceedsDepth(root: unknown, limit: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(value)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}
