// The console page around its views: the header (title, centre, signed-in officer with
// Sign out, connection badge), the language toggle, and which view fills the page:
// the sign-in form without a session, the console with one. The views are registered
// by the entry module (counter.js), so this module imports none of them. Also the end
// of a session: Sign out (revoking the token), expiry, or a 401.
import { api } from './api.js';
import { allOf, h, replaceChildren, setText } from './dom.js';
import { counterName, pick, t } from './i18n.js';
import { icon } from './icons.js';
import { myCounter, saveLanguage, saveSession, state, ui } from './counter-state.js';
import { showConnection } from './stream.js';

export const $app = document.getElementById('app');
const $conn = document.getElementById('conn');

/** `login` and `console`: each builds its view into $app. */
const views = { login: () => {}, console: () => {} };

/** @param {{login: () => void, console: () => void}} registered */
export function registerViews(registered) {
  Object.assign(views, registered);
}

export function renderChrome() {
  const { lang } = state;
  setText(document.getElementById('app-title'), t('consoleTitle', lang));
  setText(document.getElementById('centre-name'), state.centreNames ? pick(state.centreNames, lang) : '');
  document.title = `${t('consoleTitle', lang)} — Huduma Centre`;
  const $session = document.getElementById('session');
  const counter = myCounter();
  const sessionKey = state.session ? `${state.session.token}|${counter?.label}|${lang}` : '';
  if (state.session && $session.dataset.key !== sessionKey) {
    $session.dataset.key = sessionKey;
    $session.hidden = false;
    replaceChildren(
      $session,
      h('span', { class: 'c-session-counter', testid: 'session-counter' }, counter ? counterName(counter.label, lang) : state.session.counterId),
      h('span', { class: 'c-session-officer', testid: 'session-officer' }, `${state.session.name} (${state.session.officerId})`),
      h('button', { type: 'button', class: 'c-btn c-btn-quiet', testid: 'btn-logout', onclick: () => signOut() }, icon('logout'), h('span', {}, t('signOut', lang))),
    );
  } else if (!state.session) {
    $session.dataset.key = '';
    $session.hidden = true;
  }
  showConnection($conn, state.connection, t('reconnecting', lang));
}

/** Rebuilds the page: the header, then the sign-in form or the console. */
export function render() {
  renderChrome();
  ui.view = null;
  if (!state.session) views.login();
  else views.console();
}

export function setLanguage(lang) {
  state.lang = lang;
  document.documentElement.lang = lang;
  saveLanguage(lang);
  for (const button of allOf('.c-lang-btn')) button.setAttribute('aria-pressed', String(button.dataset.lang === lang));
  render();
}

/** Back to the sign-in form; `noticeKey` (e.g. 'sessionEnded') says why when the officer did not ask. */
export function signOut(noticeKey = null) {
  // Revoke the token on the hub too (best effort: an expired one is refused anyway).
  if (state.session && !noticeKey) void api('/api/officer/logout', { method: 'POST', body: {}, token: state.session.token }).catch(() => {});
  state.session = null;
  saveSession(null);
  state.panel = null;
  state.message = null;
  state.login.notice = noticeKey;
  clearTimeout(ui.expiryTimer);
  render();
}

export function scheduleExpiry() {
  clearTimeout(ui.expiryTimer);
  const expires = Date.parse(state.session?.expiresAt ?? '');
  if (!Number.isFinite(expires)) return;
  // setTimeout is unreliable past ~24 days; sessions are hours.
  ui.expiryTimer = setTimeout(() => signOut('sessionEnded'), Math.max(0, Math.min(expires - Date.now(), 2 ** 31 - 1)));
}
