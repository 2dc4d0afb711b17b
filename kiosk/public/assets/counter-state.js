// The counter console's state: the officer's session (sessionStorage, this tab only), the
// chosen language (localStorage), the live counters and services, and what the hub's
// counter rules allow right now. Every console module reads and changes this `state`.
import { pick } from './i18n.js';

const SESSION_KEY = 'huduma.officer.session';
const LANG_KEY = 'huduma.console.lang';
/** The hub's defaults (config queue.maxRecalls / noShowAfterCalls); a snapshot's `rules` overrides them. */
const DEFAULT_RULES = { maxRecalls: 2, noShowAfterCalls: 2 };

export const state = {
  lang: 'en',
  session: null,
  counters: /** @type {any[] | null} */ (null),
  countersError: null,
  services: [],
  centreNames: null,
  rules: { ...DEFAULT_RULES },
  connection: 'connecting',
  login: { counterId: '', officerId: '', pin: '', error: null, busy: false, notice: null },
  busy: false,
  panel: null, // 'transfer' | 'pause' | null
  transferTo: null,
  message: null, // {kind: 'error' | 'info', text | key, params, error}
};

/** What is on screen now: the built view's elements (null before the first render) and the session expiry timer. */
export const ui = { view: /** @type {any} */ (null), expiryTimer: 0 };

// ---------------------------------------------------------------- storage

export function loadSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
    if (!session || typeof session.token !== 'string' || typeof session.counterId !== 'string') return null;
    if (session.expiresAt && Date.parse(session.expiresAt) <= Date.now()) return null;
    return session;
  } catch {
    return null;
  }
}

export function saveSession(session) {
  try {
    if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    else sessionStorage.removeItem(SESSION_KEY);
  } catch {
    // Storage disabled: the session lasts for this page only.
  }
}

export function loadLanguage() {
  try {
    return localStorage.getItem(LANG_KEY) === 'sw' ? 'sw' : 'en';
  } catch {
    return 'en';
  }
}

export function saveLanguage(lang) {
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    // Not remembered; fine.
  }
}

// ---------------------------------------------------------------- live data and rules

/** Takes a snapshot's `rules` ({maxRecalls, noShowAfterCalls}) over the defaults. */
export function applyRules(rules) {
  if (rules && typeof rules === 'object') state.rules = { ...DEFAULT_RULES, ...rules };
}

export const myCounter = () => state.counters?.find((counter) => counter.id === state.session?.counterId) ?? null;
export const serviceById = (id) => state.services.find((service) => service.id === id) ?? null;
export const serviceName = (id) => pick(serviceById(id)?.names, state.lang) || id;

/** What the rules allow now, so buttons are disabled exactly when the hub would refuse. */
export function allowed() {
  const counter = myCounter();
  const current = counter?.current ?? null;
  const status = current?.status;
  const calls = current?.calls ?? 0;
  const open = counter?.state === 'open';
  const idle = !state.busy;
  return {
    next: idle && open,
    recall: idle && status === 'called' && calls - 1 < state.rules.maxRecalls,
    start: idle && status === 'called',
    finish: idle && (status === 'called' || status === 'serving'),
    noShow: idle && status === 'called' && calls >= state.rules.noShowAfterCalls,
    transfer: idle && (status === 'called' || status === 'serving'),
    pause: idle && counter !== null && counter.state === 'open',
    open: idle && counter !== null && counter.state !== 'open',
    close: idle && counter !== null && counter.state !== 'closed',
  };
}
