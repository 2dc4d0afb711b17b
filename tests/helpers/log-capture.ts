import { pino, type Logger } from 'pino';
import { Writable } from 'node:stream';
import { hubLogOptions } from '../../hub/logger.ts';

/** A real pino logger whose JSON lines are kept for assertions (same redaction and bounds as the hub). */
export function capturingLogger(): { log: Logger; lines: () => Array<Record<string, unknown>>; text: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  const log = pino(hubLogOptions('debug'), sink);
  const text = () => chunks.join('');
  return {
    log,
    text,
    lines: () => text().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
