import { pino, type Logger } from 'pino';

/** JSON logs on stderr; device secrets never reach a log line. */
export function createBridgeLogger(level: string): Logger {
  return pino(
    { name: 'huduma-bridge', level, redact: { paths: ['password', '*.password', 'boards[*].password'], censor: '[redacted]' } },
    // Synchronous: a bridge logs little, and its last lines before an exit must not be lost.
    pino.destination({ fd: 2, sync: true }),
  );
}
