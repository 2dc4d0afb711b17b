import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { boundedLogOptions } from '../runtime/log-bounds.ts';

export type { Logger };

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
  return pino(hubLogOptions(options.level ?? 'info'), options.destination ?? pino.destination({ fd: 2, sync: false }));
}

/** What every hub logger is made with (the main thread's, the writer thread's, tests'): redaction and bounds. */
export function hubLogOptions(level: string): LoggerOptions {
  return boundedLogOptions(level, REDACT_PATHS);
}

/** A logger that discards everything (tests that do not assert on logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
