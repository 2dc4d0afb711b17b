// Asking the hub for a ticket (a service ticket or an appointment check-in) and what the
// citizen sees meanwhile and after a refusal: the "printing" screen, then the ticket or
// the error, big in the chosen language with the other language below. A refused
// kiosk token sends the kiosk back to its "not set up" screen.
import { api, asApiError } from './api.js';
import { h } from './dom.js';
import { errorText, pick, t } from './i18n.js';
import { icon } from './icons.js';
import { go } from './kiosk-navigation.js';
import { serviceById, state } from './kiosk-state.js';

/** POSTs `body` to `path`; on an error the OK button leads back to `backTo`. */
export async function request(path, body, backTo) {
  state.busy = true;
  go('busy');
  try {
    const { data } = await api(path, { method: 'POST', body, token: state.token });
    const ticket = data?.ticket;
    if (!ticket || typeof ticket.number !== 'string') throw asApiError(new Error('the hub answered without a ticket'));
    state.reference = '';
    // printed: false = the printer failed after the number was given: the citizen keeps
    // it (on screen) and staff hand over the reprint (hub print spooler).
    go('ticket', { ticket, notPrinted: data.printed === false ? (data.messages ?? null) : null });
  } catch (thrown) {
    const error = asApiError(thrown);
    if (error.status === 401 || error.status === 403) {
      state.tokenRefused = true;
      go('unprovisioned');
      return;
    }
    const serviceId = backTo === 'appointment' ? null : state.chosenServiceId;
    go('error', { error: { code: error.code, status: error.status, message: error.message, messages: error.messages, backTo: backTo === 'appointment' ? 'appointment' : 'home', serviceId } });
  } finally {
    state.busy = false;
  }
}

export function renderBusy() {
  return h('section', { class: 'k-busy', testid: 'screen-busy', 'aria-busy': 'true' }, h('div', { class: 'k-spinner', 'aria-hidden': 'true' }), h('p', { class: 'k-busy-text' }, t('printingTicket', state.lang)));
}

/** A refusal (also `printer_unavailable`: the printer can still fail between snapshot and tap). */
export function renderError() {
  const { lang, error } = state;
  const other = lang === 'en' ? 'sw' : 'en';
  const main = errorText(error, lang);
  const second = errorText(error, other);
  const backTo = error?.backTo ?? 'home';
  return h(
    'section',
    { class: 'k-error', testid: 'screen-error', role: 'alert' },
    h(
      'div',
      { class: 'k-error-card', testid: 'kiosk-error', dataset: { code: error?.code ?? 'unknown' } },
      icon(error?.code === 'printer_unavailable' ? 'printer' : 'warning', 'k-error-icon'),
      error?.serviceId && serviceById(error.serviceId) ? h('p', { class: 'k-error-service', testid: 'kiosk-error-service' }, pick(serviceById(error.serviceId).names, lang)) : null,
      h('p', { class: 'k-error-text', testid: 'kiosk-error-text', lang }, main),
      second && second !== main ? h('p', { class: 'k-error-other', lang: other }, second) : null,
    ),
    h('button', { type: 'button', class: 'k-btn k-btn-primary k-btn-done', testid: 'error-ok', onclick: () => go(backTo) }, h('span', {}, t('ok', lang))),
  );
}
