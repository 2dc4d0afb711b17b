// Server-sent events read with fetch, so the staff session's token travels in the
// Authorization header (EventSource cannot send one, and a token in the URL would end
// up in logs and history). Reconnects with backoff; stops for good on 401/403 (the
// session ended), telling the page so it can ask for a new login.

const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];

/**
 * @param {string} url
 * @param {string} token
 * @param {{onEvent: (name: string, data: any) => void, onStatus?: (status: 'connecting' | 'live' | 'reconnecting') => void, onEnded?: (status: number) => void}} handlers
 * @returns {{close(): void}}
 */
export function openStaffStream(url, token, handlers) {
  const { onEvent, onStatus = () => {}, onEnded = () => {} } = handlers;
  let controller = null;
  let closed = false;
  let failures = 0;
  let timer = null;

  const retry = () => {
    if (closed) return;
    onStatus('reconnecting');
    timer = setTimeout(connect, BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)]);
    failures += 1;
  };

  const connect = async () => {
    timer = null;
    controller = new AbortController();
    let response;
    try {
      response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: controller.signal, cache: 'no-store' });
    } catch {
      retry();
      return;
    }
    if (response.status === 401 || response.status === 403) {
      closed = true;
      onEnded(response.status);
      return;
    }
    if (!response.ok || !response.body) {
      retry();
      return;
    }
    failures = 0;
    onStatus('live');
    try {
      await readFrames(response.body, onEvent);
    } catch {
      // dropped: reconnect below
    }
    retry();
  };

  onStatus('connecting');
  void connect();
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      controller?.abort();
    },
  };
}

/**
 * Splits the body into frames ("event: x\ndata: {...}\n\n") and hands each to onEvent.
 * @param {ReadableStream<Uint8Array>} body
 * @param {(name: string, data: any) => void} onEvent
 */
async function readFrames(body, onEvent) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      let data = '';
      for (const line of frame.split('\n')) {
        if (line.startsWith('event: ')) name = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (!data) continue;
      let parsed;
      try {
        parsed = JSON.parse(data);
      } catch {
        continue;
      }
      try {
        onEvent(name, parsed);
      } catch (error) {
        setTimeout(() => {
          throw error;
        });
      }
    }
  }
}
