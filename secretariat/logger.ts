import type { DestinationStream } from 'pino';
import { createJsonLogger, type Logger } from '../runtime/logger.ts';

export type { Logger };
export { LOG_LEVELS, silentLogger } from '../runtime/logger.ts';

/**
 * Keys pino redacts wherever they appear: centre signing secrets, the NOC token,
 * the database URL (it may carry a password) and bearer headers. Redaction is by key
 * so a new call site cannot leak them; log `describeDatabase(url)` instead of a URL.
 */
export const REDACT_PATHS = [
  'secret',
  'token',
  'password',
  'nocToken',
  'databaseUrl',
  '*.secret',
  '*.token',
  '*.password',
  '*.nocToken',
  '*.databaseUrl',
  'req.headers.authorization',
  'headers.authorization',
];

/** JSON logs to stderr: commands that print JSON keep stdout for that JSON only. */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  // Every field bounded: header values and URLs come from anyone on the internet (docs/security.md, "Logs").
  return createJsonLogger({ level: options.level ?? 'info', redactPaths: REDACT_PATHS, ...(options.destination && { destination: options.destination }) });
}

/**
 * A database URL fit for a log line or an error message: scheme, host, port and
 * database name, never the user's password (or anything in the query string, where
 * drivers also accept `password=`).
 */
export function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
    return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname}`;
  } catch {
    return '(unparseable database URL)';
  }
}
