// Appointment check-in: the booking reference typed on an on-screen keyboard (a physical
// keyboard works too), then the same ticket flow as a service ticket.
import { h } from './dom.js';
import { t } from './i18n.js';
import { icon } from './icons.js';
import { backButton, go } from './kiosk-navigation.js';
import { request } from './kiosk-request.js';
import { state } from './kiosk-state.js';

const KEY_ROWS = ['1234567890', 'QWERTYUIOP', 'ASDFGHJKL-', 'ZXCVBNM'];

async function checkIn() {
  const reference = state.reference.trim();
  if (!/^[A-Za-z0-9-]{4,32}$/.test(reference) || state.busy) return;
  await request('/api/appointments/check-in', { reference, language: state.lang }, 'appointment');
}

export function renderAppointment() {
  const { lang } = state;
  const input = h('input', {
    class: 'k-ref-input',
    id: 'reference',
    testid: 'appointment-reference',
    type: 'text',
    inputmode: 'none',
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
    maxlength: '32',
    'aria-label': t('enterReference', lang),
  });
  input.value = state.reference;
  const submit = h('button', { type: 'button', class: 'k-btn k-btn-primary k-btn-checkin', testid: 'appointment-submit', onclick: checkIn }, icon('check'), h('span', {}, t('checkIn', lang)));
  const sync = () => {
    const valid = /^[A-Za-z0-9-]{4,32}$/.test(state.reference);
    submit.disabled = !valid;
    if (input.value !== state.reference) input.value = state.reference;
  };
  input.addEventListener('input', () => {
    state.reference = input.value.toUpperCase().replace(/[^A-Z0-9-]/g, '').slice(0, 32);
    sync();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      void checkIn();
    }
  });
  const press = (key) => {
    if (key === 'backspace') state.reference = state.reference.slice(0, -1);
    else if (key === 'clear') state.reference = '';
    else if (state.reference.length < 32) state.reference += key;
    sync();
    input.focus({ preventScroll: true }); // a physical keyboard keeps typing into the field
  };
  queueMicrotask(() => input.focus({ preventScroll: true }));
  const keyboard = h(
    'div',
    { class: 'k-keyboard', testid: 'keyboard' },
    KEY_ROWS.map((row, index) =>
      h(
        'div',
        { class: 'k-key-row' },
        [...row].map((key) => h('button', { type: 'button', class: 'k-key', testid: `key-${key}`, onclick: () => press(key) }, key)),
        index === 3 ? h('button', { type: 'button', class: 'k-key k-key-wide', testid: 'key-backspace', 'aria-label': t('deleteKey', lang), onclick: () => press('backspace') }, icon('backspace')) : null,
        index === 3 ? h('button', { type: 'button', class: 'k-key k-key-wide', testid: 'key-clear', onclick: () => press('clear') }, t('clear', lang)) : null,
      ),
    ),
  );
  sync();
  return h(
    'section',
    { class: 'k-appointment', testid: 'screen-appointment' },
    h('div', { class: 'k-step-head' }, backButton(() => go('home', { reference: '' }))),
    h('h1', { class: 'k-title' }, icon('calendar'), ' ', t('enterReference', lang)),
    h('p', { class: 'k-subtitle' }, t('referenceHint', lang)),
    h('div', { class: 'k-ref-row' }, input, submit),
    keyboard,
  );
}
