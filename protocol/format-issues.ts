// Shared by every config and payload boundary (hub, bridge, secretariat): zod only.
import type { z } from 'zod';

/** `counters[2].serviceIds[0]` style path, or `(top level)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(top level)';
}

/**
 * One line per problem, naming the field, what is expected and, where it helps, what
 * to do: operators read these on a console at the centre.
 */
export function formatIssues(error: z.ZodError, raw?: unknown): string[] {
  return error.issues.map((issue) => {
    const field = formatPath(issue.path);
    // Never echo a secret back: this text reaches terminals and logs.
    if (SECRET_FIELD.test(field)) return `${field}: ${issue.message}`;
    switch (issue.code) {
      case 'unrecognized_keys':
        return `${field}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (remove it or check its spelling)`;
      case 'invalid_type':
        return issue.input === undefined
          ? `${field}: is required (expected ${issue.expected})`
          : `${field}: expected ${issue.expected}, got ${describe(sentValue(raw, issue.path) ?? issue.input)}`;
      default:
        return `${field}: ${issue.message}${issue.input !== undefined && issue.code !== 'custom' ? ` (got ${describe(issue.input)})` : ''}`;
    }
  });
}

const SECRET_FIELD = /secret|password|token/i;

/**
 * What the caller sent at `path`, for fields a schema coerces (query strings): the issue
 * carries the coerced value, and `?limit=abc` coerced is NaN, which read as "got null".
 */
function sentValue(raw: unknown, path: readonly PropertyKey[]): unknown {
  let node = raw;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function describe(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return 'a value that is not a number';
  const text = JSON.stringify(value);
  if (text === undefined) return typeof value;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
