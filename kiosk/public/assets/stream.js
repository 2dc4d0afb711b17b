// Live queue state over server-sent events (GET /api/queue/stream, event `state`, data =
// QueueSnapshot). EventSource reconnects by itself after a dropped connection, but gives
// up for good when a (re)connect is answered with an error status or a non-SSE body (a
// hub restarting, a proxy error page): then this opens a new one, backing off to 15 s.

const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];

/** @typedef {import('../../../protocol/queue/api.ts').QueueSnapshot} QueueSnapshot the hub's wire type: the pages read it as the protocol says */

/**
 * @param {string} url
 * @param {{onState: (snapshot: QueueSnapshot) => void, onStatus?: (status: 'connecting' | 'live' | 'reconnecting') => void}} handlers
 * @returns {{close(): void}}
 */
export function openQueueStream(url, handlers) {
  const { onState, onStatus = () => {} } = handlers;
  let source = null;
  let retryTimer = null;
  let failures = 0;
  let closed = false;
  let status = null;

  const setStatus = (next) => {
    if (next === status) return;
    status = next;
    onStatus(next);
  };

  const connect = () => {
    retryTimer = null;
    if (closed) return;
    source = new EventSource(url);
    source.addEventListener('open', () => {
      failures = 0;
      setStatus('live');
    });
    source.addEventListener('state', (event) => {
      let snapshot;
      try {
        snapshot = JSON.parse(event.data);
      } catch {
        return; // a torn or foreign message: the next snapshot replaces it anyway
      }
      if (!snapshot || typeof snapshot !== 'object') return;
      failures = 0;
      setStatus('live');
      try {
        onState(snapshot);
      } catch (error) {
        // A page bug must not stop the stream; report it where developers look.
        setTimeout(() => {
          throw error;
        });
      }
    });
    source.addEventListener('error', () => {
      if (closed) return;
      setStatus('reconnecting');
      if (source && source.readyState === EventSource.CLOSED) {
        source = null;
        const delay = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)];
        failures += 1;
        retryTimer = setTimeout(connect, delay);
      }
    });
  };

  setStatus('connecting');
  connect();
  return {
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      source?.close();
    },
  };
}

/**
 * Shows the connection state in `badge` (a small element the page keeps in a corner):
 * hidden while live, "Reconnecting…" otherwise.
 */
export function showConnection(badge, status, text) {
  badge.dataset.status = status;
  badge.hidden = status === 'live';
  badge.textContent = text;
}
