/** Why a bridge command failed; each code maps to one exit code (see cli.ts). */
export type BridgeErrorCode =
  | 'usage'
  | 'config_invalid'
  | 'config_unreadable'
  | 'data_dir_unusable'
  /** The hub refused the pairing code (wrong, used, expired, window closed). */
  | 'pairing_refused'
  /** The hub could not be asked (unreachable, no answer) or could not pair just now. */
  | 'pairing_unreachable'
  /** The board to pair did not answer on its serial line. */
  | 'board_unavailable';

export class BridgeError extends Error {
  readonly code: BridgeErrorCode;

  constructor(code: BridgeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BridgeError';
    this.code = code;
  }
}

export function isBridgeError(error: unknown): error is BridgeError {
  return error instanceof BridgeError;
}
