import { createJsonLogger, type Logger } from '../runtime/logger.ts';

/** JSON logs on stderr, synchronous (its last lines before an exit must not be lost); device secrets never reach a log line. */
export function createBridgeLogger(level: string): Logger {
  return createJsonLogger({ level, name: 'huduma-bridge', redactPaths: ['password', '*.password', 'boards[*].password'], sync: true });
}
