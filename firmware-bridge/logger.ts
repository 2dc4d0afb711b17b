import { pino, type Logger } from 'pino';
import { boundedLogOptions } from '../runtime/log-bounds.ts';

/** JSON logs on stderr; device secrets never reach a log line. */
export function createBridgeLogger(level: string): Logger {
  return pino(
    // Bounded fields too: the bridge logs what the hub and its board send.
    { ...boundedLogOptions(level, ['password', '*.password', 'boards[*].password']), name: 'huduma-bridge' },
    // Synchronous: a bridge logs little, and its last lines before an exit must not be lost.
    pino.destination({ fd: 2, sync: true }),
  );
}
