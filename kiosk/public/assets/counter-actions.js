// What the officer does at the counter: call next, recall, start, finish, no-show,
// transfer, pause, open, close (POST /api/counters/{id}/{action}); the N and R keys;
// the transfer and pause panels opening and closing.
import { api, asApiError } from './api.js';
import { byTestId } from './dom.js';
import { updateConsole } from './counter-console-update.js';
import { $app, signOut } from './counter-page.js';
import { allowed, myCounter, state, ui } from './counter-state.js';

/**
 * POST /api/counters/{id}/{action}. Applies the answer at once (the snapshot that follows
 * confirms it) and shows errors as text.
 */
export async function act(action, body) {
  const session = state.session;
  const counter = myCounter();
  if (!session || state.busy) return;
  state.busy = true;
  state.message = null;
  updateConsole();
  try {
    const { status, data } = await api(`/api/counters/${encodeURIComponent(session.counterId)}/${action}`, { method: 'POST', body: body ?? {}, token: session.token });
    if (action === 'call-next' && status === 204) {
      if (counter) counter.current = null;
      state.message = { kind: 'info', key: 'nothingWaiting' };
    } else {
      // The hub answers {ticket, counter}; the counter (with its current ticket) is the truth.
      const ticket = data?.ticket ?? null;
      if (data?.counter && typeof data.counter === 'object' && counter) Object.assign(counter, data.counter);
      else if (ticket && counter) counter.current = ticket.status === 'called' || ticket.status === 'serving' ? ticket : null;
      if (ticket && (action === 'call-next' || action === 'recall')) state.message = { kind: 'info', key: 'called', params: { n: ticket.number } };
    }
    state.panel = null;
  } catch (thrown) {
    const error = asApiError(thrown);
    if (error.status === 401) {
      state.busy = false;
      signOut('sessionEnded');
      return;
    }
    state.message = { kind: 'error', error };
  } finally {
    state.busy = false;
  }
  updateConsole();
}

export function confirmTransfer() {
  if (!state.transferTo) return;
  const reason = ui.view?.transferReason.value.trim();
  void act('transfer', reason ? { serviceId: state.transferTo, reason } : { serviceId: state.transferTo });
}

export function confirmPause() {
  const reason = ui.view?.pauseInput.value.trim();
  if (!reason) return;
  void act('pause', { reason });
}

export function onShortcut(event) {
  if (!state.session || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) {
    if (event.key === 'Escape' && state.panel) closePanel();
    return;
  }
  const key = event.key.toLowerCase();
  if (key === 'escape' && state.panel) return closePanel();
  if (state.panel) return;
  const can = allowed();
  if (key === 'n' && can.next) {
    event.preventDefault();
    void act('call-next');
  } else if (key === 'r' && can.recall) {
    event.preventDefault();
    void act('recall');
  }
}

export function openPanel(panel) {
  state.panel = panel;
  state.transferTo = null;
  state.message = null;
  updateConsole();
  const focus = panel === 'pause' ? byTestId('pause-reason') : /** @type {HTMLElement | null} */ ($app.querySelector('.c-transfer-option'));
  focus?.focus();
}

export function closePanel() {
  state.panel = null;
  updateConsole();
}
