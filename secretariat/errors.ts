/**
 * Errors the Secretariat raises on purpose carry a stable `code`, so the CLI maps
 * them to exit codes and tests branch on codes rather than message text. (The store
 * has its own StoreError; the CLI maps both.)
 */
export type SecretariatErrorCode = 'usage' | 'id_invalid' | 'port_in_use';

export class SecretariatError extends Error {
  readonly code: SecretariatErrorCode;

  constructor(code: SecretariatErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretariatError';
    this.code = code;
  }
}
