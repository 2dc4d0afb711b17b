/**
 * Why one exchange with the Secretariat failed. `kind` decides what the sender does
 * next: `network` and `server` back off and retry, `rate_limited` waits as told,
 * `refused` means the request itself is wrong (credentials, clock, contract) and
 * needs a person, though the sender still retries slowly in case it was transient.
 */
export type SyncFailureKind = 'network' | 'timeout' | 'server' | 'rate_limited' | 'refused' | 'too_large' | 'clock' | 'conflict';

export class SyncError extends Error {
  readonly kind: SyncFailureKind;
  /** The Secretariat's error code, or the socket error code. */
  readonly code: string;
  readonly status: number | null;
  readonly retryAfterMs: number | null;
  readonly serverTime: number | null;
  /** `conflict` only: the seqs held there with another content, and its highest seq. */
  readonly conflicts: { seqs: number[]; highestSeq: number } | null;

  constructor(kind: SyncFailureKind, code: string, message: string, extra: { status?: number; retryAfterMs?: number | null; serverTime?: number | null; cause?: unknown; conflicts?: { seqs: number[]; highestSeq: number } } = {}) {
    super(message, { cause: extra.cause });
    this.name = 'SyncError';
    this.kind = kind;
    this.code = code;
    this.status = extra.status ?? null;
    this.retryAfterMs = extra.retryAfterMs ?? null;
    this.serverTime = extra.serverTime ?? null;
    this.conflicts = extra.conflicts ?? null;
  }
}
