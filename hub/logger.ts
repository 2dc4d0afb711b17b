import { pino, type DestinationStream, type Logger } from 'pino';

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
 * that JSON only (process contract).
 */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ fd: 2, sync: false }),
  );
}

/** A logger that discards everything (tests that do not assert on logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
