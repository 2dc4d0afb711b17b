// The home screen: title, "I have an appointment", the service menu, and, while the
// ticket printer cannot print (the snapshot's `printer.ready` is false), a calm notice
// in both languages instead of letting anyone tap into an error. Tiles and the
// appointment button are disabled until the printer is ready again.
import { h } from './dom.js';
import { t } from './i18n.js';
import { icon } from './icons.js';
import { go } from './kiosk-navigation.js';
import { renderServices, scrollServices, updateMore } from './kiosk-services.js';
import { state } from './kiosk-state.js';

export function renderHome() {
  const { lang } = state;
  const section = h(
    'section',
    { class: 'k-home', testid: 'screen-home' },
    h(
      'div',
      { class: 'k-title-row' },
      h('div', { class: 'k-title-text' }, h('h1', { class: 'k-title' }, t('chooseService', lang)), h('p', { class: 'k-subtitle' }, t('tapToChoose', lang)), h('p', { class: 'k-wait-note', testid: 'wait-note' }, t('waitExplained', lang))),
      h('button', { type: 'button', class: 'k-btn k-btn-outline k-btn-appointment', testid: 'appointment', onclick: openAppointment }, icon('calendar'), h('span', {}, t('appointment', lang))),
    ),
    h('div', { class: 'k-printer-slot', id: 'printer-slot' }, state.printerReady ? null : printerNotice()),
    h('div', { class: 'k-grid-wrap' }, h('div', { class: 'k-grid', id: 'services', testid: 'services', role: 'list', onscroll: updateMore }), h('div', { class: 'k-more', id: 'more', hidden: true }, h('button', { type: 'button', class: 'k-btn k-btn-primary k-more-btn', testid: 'services-more', onclick: scrollServices }))),
  );
  updateAppointmentButton(section);
  queueMicrotask(renderServices);
  return section;
}

function openAppointment() {
  // A check-in prints a ticket too.
  if (!state.printerReady) return;
  go('appointment', { reference: '' });
}

/**
 * The printer notice: the chosen language first, the other below it, so a citizen who
 * has not chosen yet reads it either way.
 */
function printerNotice() {
  const first = state.lang;
  const second = first === 'en' ? 'sw' : 'en';
  return h(
    'div',
    { class: 'k-printer-notice', testid: 'printer-notice', role: 'status' },
    icon('printer', 'k-printer-icon'),
    h('div', { class: 'k-printer-text' }, h('p', { class: 'k-printer-main', lang: first }, t('printerOut', first)), h('p', { class: 'k-printer-other', lang: second }, t('printerOut', second))),
  );
}

function updateAppointmentButton(root) {
  const button = root.querySelector('.k-btn-appointment');
  if (!button) return;
  if (state.printerReady) button.removeAttribute('aria-disabled');
  else button.setAttribute('aria-disabled', 'true');
}

/** The printer became ready or stopped: show or remove the notice and (re-)enable the tiles in place. */
export function showPrinterState() {
  if (state.screen !== 'home') return;
  const slot = document.getElementById('printer-slot');
  if (!slot) return;
  const notice = slot.querySelector('.k-printer-notice');
  if (state.printerReady) notice?.remove();
  else if (!notice) slot.append(printerNotice());
  updateAppointmentButton(document);
  renderServices();
}
