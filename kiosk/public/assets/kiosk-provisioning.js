// Provisioning: the kiosk token a technician gives this screen once (`/kiosk#token=…`),
// kept in localStorage, and the bilingual "not set up" screen shown without one (or
// when the hub refuses it).
import { h } from './dom.js';
import { t } from './i18n.js';
import { icon } from './icons.js';
import { state } from './kiosk-state.js';

const TOKEN_KEY = 'huduma.kiosk.token';

export function readStoredToken() {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function storeToken(token) {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage disabled: the token lives for this page load only.
  }
}

/**
 * `#token=XYZ` (a technician provisioning the kiosk) stores the token and leaves the
 * address bar; `#token=` or `#reset` forgets it.
 */
export function provisionFromFragment() {
  const fragment = location.hash.replace(/^#/, '');
  if (!fragment) return;
  const params = new URLSearchParams(fragment);
  if (params.has('token')) {
    const token = (params.get('token') ?? '').trim();
    storeToken(token || null);
    state.token = token || null;
    state.tokenRefused = false;
  } else if (params.has('reset')) {
    storeToken(null);
    state.token = null;
  }
  history.replaceState(null, '', location.pathname + location.search);
}

/** Always in both languages: whoever stands here, citizen or technician, can read it. */
export function renderUnprovisioned() {
  const both = (key) => h('div', { class: 'k-both' }, h('p', { lang: 'en' }, t(key, 'en')), h('p', { lang: 'sw', class: 'k-both-sw' }, t(key, 'sw')));
  return h(
    'section',
    { class: 'k-unprovisioned', testid: 'not-provisioned' },
    icon('warning', 'k-error-icon'),
    h('h1', { class: 'k-title' }, t('notProvisionedTitle', 'en'), h('br'), h('span', { class: 'k-both-sw', lang: 'sw' }, t('notProvisionedTitle', 'sw'))),
    both('notProvisionedBody'),
    state.tokenRefused ? h('div', { class: 'k-tech k-tech-refused', testid: 'token-refused' }, both('tokenRefused')) : null,
    h('div', { class: 'k-tech' }, both('notProvisionedTech')),
  );
}
