// Which screen the kiosk shows, the timers that bring it back to the start, the header
// (welcome, centre name, connection badge) and the language toggle. The screens are
// registered by the entry module (kiosk.js), so no screen module has to import another
// screen to move on.
import { allOf, h, replaceChildren, setText } from './dom.js';
import { pick, t } from './i18n.js';
import { icon } from './icons.js';
import { ERROR_MS, IDLE_MS, TICKET_MS, state } from './kiosk-state.js';
import { showConnection } from './stream.js';

const $screen = document.getElementById('screen');
const $conn = document.getElementById('conn');
const timers = { idle: 0, screen: 0 };

/** Screen name → function returning its element; `home` is the fallback. */
const screens = {};

/** @param {Record<string, () => HTMLElement>} views */
export function registerScreens(views) {
  Object.assign(screens, views);
}

export function go(screen, extra = {}) {
  Object.assign(state, extra, { screen });
  clearTimeout(timers.screen);
  if (screen === 'ticket') timers.screen = setTimeout(resetToStart, TICKET_MS);
  if (screen === 'error') timers.screen = setTimeout(() => go(state.error?.backTo ?? 'home'), ERROR_MS);
  render();
  $screen.scrollTop = 0;
  window.scrollTo(0, 0);
}

/** After a ticket or a minute idle: the start screen, in English, nothing remembered. */
export function resetToStart() {
  state.reference = '';
  state.chosenServiceId = null;
  state.ticket = null;
  state.error = null;
  setLanguage('en', false);
  go(state.token && !state.tokenRefused ? 'home' : 'unprovisioned');
}

/** Every touch or key press restarts the idle timer. */
export function touched() {
  clearTimeout(timers.idle);
  timers.idle = setTimeout(() => {
    if (state.screen !== 'busy' && (state.screen !== 'home' || state.lang !== 'en')) resetToStart();
  }, IDLE_MS);
}

export function setLanguage(lang, rerender = true) {
  state.lang = lang;
  document.documentElement.lang = lang;
  for (const button of allOf('.k-lang-btn')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === lang));
  }
  renderChrome();
  if (rerender) render();
}

export function renderChrome() {
  const { lang } = state;
  setText(document.getElementById('welcome'), t('welcome', lang));
  setText(document.getElementById('centre-name'), state.centreNames ? pick(state.centreNames, lang) : '');
  document.title = `${t('welcome', lang)} — ${t('chooseService', lang)}`;
  showConnection($conn, state.connection, t(state.connection === 'connecting' ? 'hubUnreachable' : 'reconnecting', lang));
}

export function render() {
  $screen.dataset.screen = state.screen;
  replaceChildren($screen, (screens[state.screen] ?? screens.home)());
}

/** The "Back" button of the steps after the home screen. */
export function backButton(onclick) {
  return h('button', { type: 'button', class: 'k-btn k-btn-outline k-btn-back', testid: 'btn-back', onclick }, icon('back'), h('span', {}, t('back', state.lang)));
}
