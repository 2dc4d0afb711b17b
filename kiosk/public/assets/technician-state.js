// The technician page's state and the few helpers every panel uses. The session lives in
// sessionStorage (this tab only, gone when it closes), never in localStorage.
import { api } from './api.js';

const SESSION_KEY = 'huduma.technician.session';

/**
 * @typedef {{token: string, name: string, role: 'technician' | 'manager', expiresAt: string}} StaffSession
 * @typedef {{deviceId: string, counterId: string, revoked: boolean, online: boolean, connected: boolean, fw: string | null,
 *   presenceSince: string | null, telemetry: Record<string, any> | null, telemetryAt: string | null, createdAt: string | null,
 *   refused: Record<string, {count: number, lastAt: string | null, lastDetail: string}>}} DeviceRow
 * @typedef {{rating: number, pressedAt: string, misuse: boolean}} LastPress
 */

export const state = {
  /** @type {StaffSession | null} */
  session: loadSession(),
  /** @type {DeviceRow[]} */
  devices: [],
  /** @type {Map<string, LastPress>} */
  lastPress: new Map(),
  /** @type {Array<{id: string, label?: string}>} */
  counters: [],
  centre: { id: '', name: '', mqttPort: 0, timeZone: 'Africa/Nairobi' },
  /** The counter chosen for pairing (kept across live re-renders). */
  pairCounter: '',
  filter: '',
  tab: 'devices',
  /** The selftest view: which device, which ratings were seen pressed, the board's answer. */
  /** @type {{deviceId: string, lit: Set<number>, result: any, error: string | null} | null} */
  selftest: null,
  /** @type {{code: string, counterId: string, expiresAt: string, openedAt: number, known: Set<string>, qr: string | null} | null} */
  pairing: null,
  /** @type {{kind: 'ok' | 'error', text: string} | null} */
  message: null,
};

function loadSession() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
    if (saved && typeof saved.token === 'string' && Date.parse(saved.expiresAt) > Date.now()) return saved;
  } catch {
    // a damaged entry: log in again
  }
  return null;
}

/** @param {StaffSession | null} session */
export function saveSession(session) {
  state.session = session;
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
}

/**
 * The hub's API with this session's token.
 * @param {string} path
 * @param {{method?: string, body?: unknown}} [options]
 */
export function staffApi(path, options = {}) {
  return api(path, { ...options, token: state.session?.token ?? null });
}

/** "just now", "4 min ago", "2 h ago", "3 days ago". */
export function ago(iso) {
  if (!iso) return '—';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}

export const RATINGS = [
  { rating: 4, label: 'Excellent', cls: 'r4' },
  { rating: 3, label: 'Good', cls: 'r3' },
  { rating: 2, label: 'Fair', cls: 'r2' },
  { rating: 1, label: 'Poor', cls: 'r1' },
];

export const ratingLabel = (rating) => RATINGS.find((r) => r.rating === rating)?.label ?? String(rating);

/**
 * Shows the outcome of an action above the panel (one line, replaced by the next), so
 * live re-renders of the panel do not wipe it.
 * @param {'ok' | 'error'} kind
 * @param {string} text
 */
export function showMessage(kind, text) {
  state.message = { kind, text };
  const el = document.getElementById('message');
  if (!el) return;
  el.className = kind === 'error' ? 't-error' : 't-ok';
  el.textContent = text;
  el.hidden = false;
}

/** A time of day in the centre's zone, 24-hour (as Kenyan centres write it), whatever the laptop's zone. */
export function centreTime(iso) {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: state.centre.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
  } catch {
    return new Date(iso).toISOString().slice(11, 16);
  }
}
