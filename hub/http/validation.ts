import type { z } from 'zod';
import { formatIssues } from '../../protocol/format-issues.ts';
import { ApiError } from './errors.ts';

/** Parses a request's query string; a bad one is a 400 naming the field. */
export function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.infer<T> {
  const parsed = schema.safeParse(query ?? {}, { reportInput: true });
  if (!parsed.success) throw new ApiError(400, 'invalid_query', formatIssues(parsed.error, query).join('; '));
  return parsed.data;
}

/** Parses a JSON request body; a bad one is a 400 naming the field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body ?? {}, { reportInput: true });
  if (!parsed.success) throw new ApiError(400, 'invalid_body', formatIssues(parsed.error).join('; '));
  return parsed.data;
}
