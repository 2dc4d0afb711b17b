/** An HTTP API error: `{"error": {"code", "message", "messages"?}}` with this status. */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: string;
  /** What a citizen-facing page shows, in English and Kiswahili, when there is such a text. */
  readonly messages: { en: string; sw: string } | undefined;

  constructor(statusCode: number, code: string, message: string, messages?: { en: string; sw: string }) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.code = code;
    this.messages = messages;
  }
}
