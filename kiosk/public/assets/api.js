// The hub's queue API over fetch: JSON in, JSON out, every failure as an ApiError the
// pages can show (never a thrown TypeError or an unhandled rejection).

const TIMEOUT_MS = 10_000;

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, 0 when the hub was not reached.
   * @param {string} code `error.code` from the hub, or 'network' / 'timeout' / 'http_<status>'.
   * @param {string} message
   * @param {{en: string, sw: string}} [messages] bilingual wording when the hub gives it.
   * @param {Array<{path: string, message: string}>} [issues] what was wrong, field by field (an invalid config).
   */
  constructor(status, code, message, messages, issues) {
    super(message);
    this.issues = issues ?? [];
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.messages = messages;
  }
}

/**
 * Calls the hub. Resolves with `{status, data}` for 2xx (`data` is null for 204 or an empty
 * body) and rejects with an ApiError otherwise.
 * @param {string} path e.g. '/api/tickets'
 * @param {{method?: string, body?: unknown, token?: string | null, timeoutMs?: number}} [options]
 */
export async function api(path, options = {}) {
  const { method = 'GET', body, token, timeoutMs = TIMEOUT_MS } = options;
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      cache: 'no-store',
    });
  } catch (error) {
    const timedOut = controller.signal.aborted;
    throw new ApiError(0, timedOut ? 'timeout' : 'network', timedOut ? 'the hub did not answer in time' : `the hub could not be reached (${error?.message ?? error})`);
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  const text = await response.text().catch(() => '');
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (response.ok) return { status: response.status, data };
  const error = data && typeof data === 'object' && data.error && typeof data.error === 'object' ? data.error : null;
  throw new ApiError(
    response.status,
    typeof error?.code === 'string' ? error.code : `http_${response.status}`,
    typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`,
    error?.messages && typeof error.messages === 'object' ? error.messages : undefined,
    Array.isArray(error?.issues) ? error.issues : undefined,
  );
}

/** Wraps any thrown value as an ApiError (for code that awaits more than api()). */
export function asApiError(error) {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'unknown', error instanceof Error ? error.message : String(error));
}
