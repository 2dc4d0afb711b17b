/** An HTTP API error: `{"error": {"code", "message", "messages"?}}` with this status. */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: string;
  /** What a citizen-facing page shows, in English and Kiswahili, when there is such a text. */
  readonly messages: { en: string; sw: string } | undefined;
  /** Sent as `Retry-After` (seconds) with refusals that pass (429, 503). */
  readonly retryAfterS: number | undefined;
  /** More fields of the error object, e.g. `issues` of an invalid config or a printer's `state`. */
  readonly fields: Record<string, unknown> | undefined;

  constructor(statusCode: number, code: string, message: string, messages?: { en: string; sw: string }, options: { retryAfterS?: number; fields?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.code = code;
    this.messages = messages;
    this.fields = options.fields;
    this.retryAfterS = options.retryAfterS === undefined ? undefined : Math.max(1, Math.ceil(options.retryAfterS));
  }
}
