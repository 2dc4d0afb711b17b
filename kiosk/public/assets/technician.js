// The technician page (/technician): nothing is shown or fetched before login; then
// the devices live over the technician stream, pairing, printer and boards, the centre
// config, and the audit trail. See docs/provisioning.md, "The technician page".
import { api, asApiError } from './api.js';
import { byTestId, controlByTestId, h, replaceChildren, setText } from './dom.js';
import { openStaffStream } from './staff-stream.js';
import { renderDevices, selftestPressed } from './technician-devices.js';
import { renderAudit, renderConfig, renderPairing, renderPrinter } from './technician-panels.js';
import { saveSession, staffApi, state } from './technician-state.js';

const $app = /** @type {HTMLElement} */ (document.getElementById('app'));
const $session = /** @type {HTMLElement} */ (document.getElementById('session'));
const $conn = /** @type {HTMLElement} */ (document.getElementById('conn'));

const TABS = [
  { id: 'devices', label: 'Devices' },
  { id: 'pairing', label: 'Add a device' },
  { id: 'printer', label: 'Printer & boards' },
  { id: 'config', label: 'Centre config' },
  { id: 'audit', label: 'Audit log' },
];

let stream = null;

function renderLogin(error = null) {
  const name = h('input', { id: 'login-name', testid: 'login-name', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true });
  const password = h('input', { id: 'login-password', testid: 'login-password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 't-primary', testid: 'login-submit' }, 'Log in');
  const form = h(
    'form',
    { class: 't-login', testid: 'login-form' },
    h('h1', {}, 'Technician login'),
    h('label', { for: 'login-name' }, 'Name'),
    name,
    h('label', { for: 'login-password' }, 'Password'),
    password,
    error ? h('p', { class: 't-error', role: 'alert', testid: 'login-error' }, error) : null,
    submit,
    h('p', { class: 't-hint' }, 'Accounts are made on the hub box: huduma-hub staff add NAME --role technician'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void logIn(String(/** @type {HTMLInputElement} */ (name).value).trim(), String(/** @type {HTMLInputElement} */ (password).value));
  });
  replaceChildren($app, form);
  $session.hidden = true;
  name.focus();
}

async function logIn(name, password) {
  const button = controlByTestId('login-submit');
  if (button) button.disabled = true;
  try {
    const { data } = await api('/api/auth/login', { method: 'POST', body: { name, password } });
    saveSession({ token: data.token, name: data.name, role: data.role, expiresAt: data.expiresAt });
    await start();
  } catch (error) {
    const e = asApiError(error);
    renderLogin(e.code === 'invalid_login' ? 'Name or password is wrong.' : e.message);
  }
}

async function logOut() {
  try {
    await staffApi('/api/auth/logout', { method: 'POST', body: {} });
  } catch {
    // the session may have ended already: forget it here anyway
  }
  ended();
}

/** The session ended (logout, expiry, revoked): drop everything shown and ask again. */
function ended(message = null) {
  stream?.close();
  stream = null;
  saveSession(null);
  state.devices = [];
  state.lastPress.clear();
  state.selftest = null;
  state.pairing = null;
  renderLogin(message);
}

export function render() {
  const nav = h(
    'nav',
    { class: 't-tabs', role: 'tablist' },
    TABS.map((tab) => h('button', { type: 'button', role: 'tab', class: 't-tab', testid: `tab-${tab.id}`, 'aria-selected': String(state.tab === tab.id), onclick: () => switchTab(tab.id) }, tab.label)),
  );
  const message = h('p', { id: 'message', class: state.message?.kind === 'error' ? 't-error' : 't-ok', role: 'status', testid: 'message', hidden: !state.message }, state.message?.text ?? '');
  const panel = h('section', { class: 't-panel', id: 'panel', testid: `panel-${state.tab}` });
  replaceChildren($app, nav, message, panel);
  renderPanel(panel);
}

function renderPanel(panel) {
  if (state.tab === 'devices') renderDevices(panel);
  else if (state.tab === 'pairing') renderPairing(panel);
  else if (state.tab === 'printer') void renderPrinter(panel);
  else if (state.tab === 'config') void renderConfig(panel);
  else void renderAudit(panel);
}

function switchTab(tab) {
  state.tab = tab;
  state.message = null;
  render();
}

/** Live changes re-render only the panels that show devices (the config editor keeps what is typed). */
function devicesChanged() {
  const panel = document.getElementById('panel');
  if (panel && (state.tab === 'devices' || state.tab === 'pairing')) renderPanel(panel);
}

async function start() {
  const session = state.session;
  if (!session) return renderLogin();
  replaceChildren($session, h('span', { testid: 'session-name' }, `${session.name} · ${session.role}`), h('button', { type: 'button', class: 't-link', testid: 'logout', onclick: () => void logOut() }, 'Log out'));
  $session.hidden = false;
  try {
    const [{ data: health }, { data: counters }, { data: recent }] = await Promise.all([api('/health'), api('/api/counters'), staffApi('/api/feedback/recent?limit=200')]);
    state.centre = { id: health?.centreId ?? '', name: health?.centreId ?? '', mqttPort: health?.mqtt?.port ?? 0, timeZone: state.centre.timeZone };
    // The centre's name and time zone from its config (a hub without the config API keeps the id and Nairobi).
    const config = await staffApi('/api/config').catch(() => null);
    const centre = config?.data?.centre;
    if (centre?.name?.en) state.centre.name = centre.name.en;
    if (typeof centre?.timezone === 'string') state.centre.timeZone = centre.timezone;
    state.counters = counters?.counters ?? [];
    for (const press of [...(recent?.presses ?? [])].reverse()) state.lastPress.set(press.deviceId, { rating: press.rating, pressedAt: press.pressedAt, misuse: press.misuse });
  } catch (error) {
    const e = asApiError(error);
    if (e.status === 401 || e.status === 403) return ended('Your session has ended. Log in again.');
    state.message = { kind: 'error', text: `Could not load the centre: ${e.message}` };
  }
  setText(byTestId('centre-name'), state.centre.name);
  render();
  stream?.close();
  stream = openStaffStream('/api/technician/stream', session.token, {
    onEvent(name, data) {
      if (name === 'devices') {
        state.devices = data.devices ?? [];
        devicesChanged();
      } else if (name === 'press') {
        state.lastPress.set(data.deviceId, { rating: data.rating, pressedAt: data.pressedAt, misuse: data.misuse });
        selftestPressed(data);
      }
    },
    onStatus(status) {
      $conn.hidden = status === 'live';
      $conn.dataset.status = status;
      $conn.textContent = status === 'live' ? '' : 'Reconnecting to the hub…';
    },
    onEnded: () => ended('Your session has ended. Log in again.'),
  });
}

void start();
