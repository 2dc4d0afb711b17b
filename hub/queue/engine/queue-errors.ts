import type { QueueErrorCode } from '../../../protocol/queue/api.ts';
import type { LocalizedText } from '../../../protocol/queue/ticket.ts';
import type { QueueResult } from '../commands.ts';

export type QueueEngineErrorCode = 'queue_state_inconsistent' | 'queue_command_unknown';

/**
 * Something the engine found that should never be (a counter's current ticket missing,
 * a command kind it does not know). Thrown, not answered: the op fails alone and its
 * savepoint rolls back, so nothing half-done is stored. Domain refusals are results.
 */
export class QueueEngineError extends Error {
  readonly code: QueueEngineErrorCode;

  constructor(code: QueueEngineErrorCode, message: string) {
    super(message);
    this.name = 'QueueEngineError';
    this.code = code;
  }
}

/** A domain refusal: nothing was written. `messages` is for the citizen at the kiosk. */
export type QueueRefusal = Extract<QueueResult, { ok: false }>;

export function refuse(code: QueueErrorCode, message: string, messages?: LocalizedText): QueueRefusal {
  return messages ? { ok: false, code, message, messages } : { ok: false, code, message };
}
