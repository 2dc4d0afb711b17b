// The counter console: an officer signs in with counter, officer id and PIN, then calls,
// recalls, serves, transfers tickets and opens/pauses/closes the counter. The session
// token lives in sessionStorage (this tab only). Live state comes over SSE; every action's
// answer is applied at once and the next snapshot confirms it. Errors are shown as text
// next to the buttons, in the officer's language.
//
// This entry module loads the live data and wires the pieces together:
//   counter-state.js           state, session/language storage, what the rules allow
//   counter-page.js            header, language, login-or-console, sign-out and expiry
//   counter-login.js           the sign-in form, counter list and PIN keypad
//   counter-console.js         the console's layout (buttons, panels, waiting list)
//   counter-console-update.js  keeping the console in line with the state
//   counter-actions.js         the counter actions, N/R shortcuts, panels
import { api } from './api.js';
import { allOf, setText } from './dom.js';
import { clockText, setCentreTimeZone } from './i18n.js';
import { openQueueStream } from './stream.js';
import { onShortcut } from './counter-actions.js';
import { renderConsole } from './counter-console.js';
import { updateConsole } from './counter-console-update.js';
import { loadCounters, renderLogin, renderLoginCounters } from './counter-login.js';
import { registerViews, render, renderChrome, setLanguage } from './counter-page.js';
import { applyRules, loadLanguage, loadSession, saveSession, state } from './counter-state.js';

registerViews({ login: renderLogin, console: renderConsole });

async function loadServices() {
  try {
    const { data } = await api('/api/services');
    if (Array.isArray(data?.services) && state.services.length === 0) state.services = data.services;
    if (state.session) updateConsole();
  } catch {
    // The stream brings them.
  }
}

const tick = () => setText(document.getElementById('clock'), clockText());

function applySnapshot(snapshot) {
  if (snapshot.centre?.names) state.centreNames = snapshot.centre.names;
  // The clock and issue times on the console are the centre's (docs/queue.md, "Time on the pages").
  if (setCentreTimeZone(snapshot.centre?.timeZone)) tick();
  if (Array.isArray(snapshot.services)) state.services = snapshot.services;
  if (Array.isArray(snapshot.counters)) {
    state.counters = snapshot.counters;
    state.countersError = null;
  }
  applyRules(snapshot.rules);
  renderChrome();
  if (state.session) updateConsole();
  else renderLoginCounters();
}

function start() {
  state.lang = loadLanguage();
  document.documentElement.lang = state.lang;
  for (const button of allOf('.c-lang-btn')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === state.lang));
    button.addEventListener('click', () => setLanguage(button.dataset.lang === 'sw' ? 'sw' : 'en'));
  }
  document.addEventListener('keydown', onShortcut);
  state.session = loadSession();
  if (!state.session) saveSession(null);
  render();
  tick();
  setInterval(tick, 15_000);
  void loadCounters();
  void loadServices();
  const stream = openQueueStream('/api/queue/stream', {
    onState: applySnapshot,
    onStatus(status) {
      state.connection = status;
      renderChrome();
    },
  });
  window.addEventListener('pagehide', () => stream?.close());
}

start();
