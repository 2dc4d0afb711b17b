import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { boundedLogOptions } from './log-bounds.ts';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * JSON log lines on stderr, redacted by key (`redactPaths`: each program names its
 * secrets) and bounded in every field (log-bounds.ts). Stderr because a command that
 * prints JSON keeps stdout for that JSON only (process contract). `sync` for programs
 * whose last lines before an exit must not be lost and that log little (the bridge).
 */
export function createJsonLogger(options: { level: string; redactPaths: string[]; name?: string; destination?: DestinationStream; sync?: boolean }): Logger {
  const settings: LoggerOptions = { ...boundedLogOptions(options.level, options.redactPaths), ...(options.name && { name: options.name }) };
  return pino(settings, options.destination ?? pino.destination({ fd: 2, sync: options.sync ?? false }));
}

/** A logger that discards everything (tests that do not assert on logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
