// Officer sign-in: choose the counter (from /api/counters; if that list cannot be
// loaded, type its id), officer id, PIN (on-screen keypad or keyboard). A successful
// sign-in keeps the session in this tab and shows the console.
import { api, asApiError } from './api.js';
import { byTestId, controlByTestId, h, replaceChildren, setText } from './dom.js';
import { counterName, errorText, t } from './i18n.js';
import { icon } from './icons.js';
import { updateConsole } from './counter-console-update.js';
import { $app, render } from './counter-page.js';
import { saveSession, serviceById, state, ui } from './counter-state.js';

export async function loadCounters() {
  state.countersError = null;
  try {
    const { data } = await api('/api/counters');
    if (Array.isArray(data?.counters)) state.counters = data.counters;
    else throw asApiError(new Error('no counters in the answer'));
  } catch (error) {
    if (state.counters === null) state.countersError = asApiError(error);
  }
  if (!state.session) render();
  else updateConsole();
}

async function signIn() {
  const { counterId, officerId, pin } = state.login;
  if (!counterId || !officerId.trim() || !/^\d{4,8}$/.test(pin) || state.login.busy) return;
  state.login.busy = true;
  state.login.error = null;
  state.login.notice = null;
  updateLogin();
  try {
    const { data } = await api('/api/officer/login', { method: 'POST', body: { counterId, officerId: officerId.trim(), pin } });
    if (!data?.token) throw asApiError(new Error('the hub answered without a token'));
    state.session = { token: data.token, officerId: data.officerId ?? officerId, name: data.name ?? officerId, counterId: data.counterId ?? counterId, expiresAt: data.expiresAt ?? null };
    saveSession(state.session);
    state.login = { counterId, officerId: '', pin: '', error: null, busy: false, notice: null };
    state.message = null;
    render();
  } catch (error) {
    state.login.busy = false;
    state.login.pin = '';
    state.login.error = asApiError(error);
    updateLogin();
  }
}

export function renderLogin() {
  const { lang } = state;
  const officer = h('input', { class: 'c-input', id: 'officer-id', testid: 'officer-id', type: 'text', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', maxlength: '64' });
  officer.value = state.login.officerId;
  officer.addEventListener('input', () => {
    state.login.officerId = officer.value;
    updateLogin();
  });
  const pin = h('input', { class: 'c-input c-pin', id: 'pin', testid: 'pin', type: 'password', inputmode: 'numeric', autocomplete: 'current-password', maxlength: '8' });
  pin.value = state.login.pin;
  pin.addEventListener('input', () => {
    state.login.pin = pin.value.replace(/\D/g, '').slice(0, 8);
    if (pin.value !== state.login.pin) pin.value = state.login.pin;
    updateLogin();
  });
  const form = h(
    'form',
    { class: 'c-login', testid: 'login', autocomplete: 'on', onsubmit: (event) => (event.preventDefault(), void signIn()) },
    h('h1', { class: 'c-login-title' }, t('loginTitle', lang)),
    state.login.notice ? h('p', { class: 'c-notice', testid: 'login-notice', role: 'status' }, t(state.login.notice, lang)) : null,
    h('div', { class: 'c-field' }, h('span', { class: 'c-label', id: 'counter-label' }, t('chooseCounter', lang)), h('div', { class: 'c-counter-list', id: 'counter-list', testid: 'counter-list', role: 'group', 'aria-labelledby': 'counter-label' })),
    h(
      'div',
      { class: 'c-login-row' },
      h(
        'div',
        { class: 'c-login-fields' },
        h('label', { class: 'c-field', for: 'officer-id' }, h('span', { class: 'c-label' }, t('officerId', lang)), officer),
        h('label', { class: 'c-field', for: 'pin' }, h('span', { class: 'c-label' }, t('pin', lang)), pin),
      ),
      pinKeypad(pin),
    ),
    h('p', { class: 'c-error', id: 'login-error', testid: 'login-error', role: 'alert', hidden: true }),
    h('button', { type: 'submit', class: 'c-btn c-btn-primary c-btn-login', testid: 'btn-login' }, h('span', {}, t('signIn', lang))),
  );
  replaceChildren($app, form);
  ui.view = { login: form };
  renderLoginCounters();
  updateLogin();
  (state.login.counterId ? officer : null)?.focus();
}

function pinKeypad(pin) {
  const press = (key) => {
    if (key === 'clear') state.login.pin = '';
    else if (key === 'back') state.login.pin = state.login.pin.slice(0, -1);
    else if (state.login.pin.length < 8) state.login.pin += key;
    pin.value = state.login.pin;
    updateLogin();
  };
  const key = (value, label, testid, extra = {}) => h('button', { type: 'button', class: 'c-key', testid, onclick: () => press(value), ...extra }, label);
  return h(
    'div',
    { class: 'c-keypad', testid: 'pin-keypad', 'aria-label': t('pin', state.lang) },
    ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((digit) => key(digit, digit, `pin-key-${digit}`)),
    key('clear', t('clear', state.lang), 'pin-clear', { class: 'c-key c-key-fn' }),
    key('0', '0', 'pin-key-0'),
    key('back', icon('backspace'), 'pin-back', { class: 'c-key c-key-fn', 'aria-label': t('deleteKey', state.lang) }),
  );
}

export function renderLoginCounters() {
  const list = document.getElementById('counter-list');
  if (!list) return;
  const { lang } = state;
  if (state.counters === null) {
    if (!state.countersError) {
      list.dataset.key = '';
      replaceChildren(list, h('p', { class: 'c-muted' }, t('pleaseWait', lang)));
      return;
    }
    list.dataset.key = '';
    // No list: type the counter id (the hub checks it at sign-in).
    const input = h('input', { class: 'c-input', testid: 'counter-id', type: 'text', placeholder: 'c01', autocapitalize: 'none', spellcheck: 'false', maxlength: '64' });
    input.value = state.login.counterId;
    input.addEventListener('input', () => {
      state.login.counterId = input.value.trim();
      updateLogin();
    });
    replaceChildren(
      list,
      h('p', { class: 'c-error', testid: 'counters-error' }, t('countersUnavailable', lang)),
      h('div', { class: 'c-inline' }, input, h('button', { type: 'button', class: 'c-btn', testid: 'counters-retry', onclick: loadCounters }, t('retry', lang))),
    );
    return;
  }
  const key = state.counters.map((counter) => `${counter.id}:${counter.label}:${(counter.serviceIds ?? []).join('+')}`).join(',') + `|${state.login.counterId}|${lang}|${state.services.length}`;
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  replaceChildren(
    list,
    state.counters.map((counter) =>
      h(
        'button',
        {
          type: 'button',
          class: 'c-counter-choice',
          testid: `counter-${counter.id}`,
          'aria-pressed': String(state.login.counterId === counter.id),
          onclick: () => {
            state.login.counterId = counter.id;
            renderLoginCounters();
            updateLogin();
            document.getElementById('officer-id')?.focus();
          },
        },
        h('span', { class: 'c-counter-choice-label' }, counterName(counter.label, lang)),
        h('span', { class: 'c-counter-choice-services' }, (counter.serviceIds ?? []).map((id) => serviceById(id)?.prefix ?? id).join(' · ')),
      ),
    ),
  );
}

function updateLogin() {
  const button = controlByTestId('btn-login');
  if (!button) return;
  const { counterId, officerId, pin, busy, error } = state.login;
  button.disabled = busy || !counterId || !officerId.trim() || !/^\d{4,8}$/.test(pin);
  const pinInput = /** @type {HTMLInputElement | null} */ (document.getElementById('pin'));
  if (pinInput && pinInput.value !== pin) pinInput.value = pin;
  const $error = document.getElementById('login-error');
  $error.hidden = !error;
  setText($error, error ? errorText(error, state.lang) : '');
}
