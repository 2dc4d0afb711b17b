import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

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
 * The longest string a log line carries for any one field (and the message). Client
 * ids, usernames, topics and payload details come from whoever connects: unbounded,
 * one refused CONNECT with a 30 KB client id would write 58 KB of log
 * (docs/security.md, "Logs").
 */
export const LOG_STRING_LIMIT = 256;
const LOG_ARRAY_LIMIT = 20;
const LOG_DEPTH_LIMIT = 4;

/** `value` with every string cut to LOG_STRING_LIMIT, arrays to 20 items, nesting to 4 levels. */
export function boundForLog(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length <= LOG_STRING_LIMIT ? value : `${value.slice(0, LOG_STRING_LIMIT)}…[${value.length - LOG_STRING_LIMIT} more chars]`;
  if (typeof value !== 'object' || value === null || value instanceof Error || Buffer.isBuffer(value)) return value;
  if (depth >= LOG_DEPTH_LIMIT) return '[nested too deep]';
  if (Array.isArray(value)) {
    const kept = value.slice(0, LOG_ARRAY_LIMIT).map((item) => boundForLog(item, depth + 1));
    return value.length > LOG_ARRAY_LIMIT ? [...kept, `…[${value.length - LOG_ARRAY_LIMIT} more items]`] : kept;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = boundForLog(item, depth + 1);
  return out;
}

/**
 * JSON logs to stderr by default: a CLI command that prints JSON keeps stdout for
 * that JSON only (process contract). Every field is bounded (boundForLog).
 */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(hubLogOptions(options.level ?? 'info'), options.destination ?? pino.destination({ fd: 2, sync: false }));
}

/** What every hub logger is made with (the main thread's, the writer thread's, tests'): redaction and bounds. */
export function hubLogOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    formatters: { log: (object) => boundForLog(object) as Record<string, unknown> },
    serializers: {
      msg: (message: unknown) => boundForLog(message),
      err: (error: Error) => boundForLog(pino.stdSerializers.err(error)),
    },
  };
}

/** A logger that discards everything (tests that do not assert on logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
