import type { DestinationStream, LoggerOptions } from 'pino';
import { boundedLogOptions } from '../runtime/log-bounds.ts';
import { createJsonLogger, type Logger } from '../runtime/logger.ts';

export type { Logger };
export { silentLogger } from '../runtime/logger.ts';

/**
 * Paths pino redacts wherever they appear in a log line: device secrets, bearer
 * tokens, sync secrets. Redaction is by key so a new call site cannot leak them.
 */
export const REDACT_PATHS = [
  'password',
  'secret',
  'token',
  '*.password',
  '*.secret',
  '*.token',
  'secretariatSecret',
  '*.secretariatSecret',
  'req.headers.authorization',
  'headers.authorization',
];

/**
 * JSON logs to stderr by default: a CLI command that prints JSON keeps stdout for
 * that JSON only (process contract). Every field is bounded (runtime/log-bounds.ts).
 */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return createJsonLogger({ level: options.level ?? 'info', redactPaths: REDACT_PATHS, ...(options.destination && { destination: options.destination }) });
}

/** What every hub logger is made with (the main thread's, the writer thread's, tests'): redaction and bounds. */
export function hubLogOptions(level: string): LoggerOptions {
  return boundedLogOptions(level, REDACT_PATHS);
}
