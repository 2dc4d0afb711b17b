/**
 * Errors the Secretariat raises on purpose carry a stable `code`, so the CLI maps
 * them to exit codes and tests branch on codes rather than message text. (The store
 * has its own StoreError; the CLI maps both.)
 *
 * `secrets_key`: the centre secrets key is missing, unreadable, malformed or not the
 * one the database was sealed with (docs/security.md, "Secretariat"). `secret_file`:
 * a secret given as a file (--noc-token-file, …) cannot be used.
 */
export type SecretariatErrorCode = 'usage' | 'id_invalid' | 'port_in_use' | 'secrets_key' | 'secret_file';

export class SecretariatError extends Error {
  readonly code: SecretariatErrorCode;

  constructor(code: SecretariatErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretariatError';
    this.code = code;
  }
}
