/**
 * Every error the hub raises on purpose carries a stable `code` (never reused) so
 * callers, the CLI and tests branch on codes, not on message text.
 */
export type HubErrorCode =
  | 'config_invalid'
  | 'config_unreadable'
  | 'secret_unreadable'
  | 'tls_missing'
  | 'usage'
  | 'data_dir_locked'
  | 'data_dir_missing'
  | 'centre_unknown'
  | 'token_unknown'
  | 'port_in_use'
  | 'device_exists'
  | 'device_unknown'
  | 'counter_unknown'
  | 'id_invalid'
  | 'store_migration_failed'
  | 'disk_budget_exhausted'
  | 'hub_not_running'
  | 'sync_not_configured'
  | 'sync_timeout'
  | 'officer_exists'
  | 'officer_unknown'
  | 'staff_exists'
  | 'staff_unknown';

export class HubError extends Error {
  readonly code: HubErrorCode;

  constructor(code: HubErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HubError';
    this.code = code;
  }
}

/** The config (file or flags) is invalid; `issues` name each field and what is expected. */
export class ConfigError extends HubError {
  readonly issues: string[];

  constructor(issues: string[], source: string) {
    super('config_invalid', `invalid config (${source}):\n  - ${issues.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export function isHubError(error: unknown): error is HubError {
  return error instanceof HubError;
}
