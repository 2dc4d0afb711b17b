import { pino, type LoggerOptions } from 'pino';

/**
 * The longest string a log line carries for any one field (and the message). Client
 * ids, usernames, topics, header values and payload details come from whoever
 * connects: unbounded, one refused CONNECT with a 30 KB client id wrote 58 KB of log
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

/** The pino options every program's logger is made with: redaction by key and bounded fields. */
export function boundedLogOptions(level: string, redactPaths: string[]): LoggerOptions {
  return {
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    formatters: { log: (object) => boundForLog(object) as Record<string, unknown> },
    serializers: {
      msg: (message: unknown) => boundForLog(message),
      err: (error: Error) => boundForLog(pino.stdSerializers.err(error)),
    },
  };
}
