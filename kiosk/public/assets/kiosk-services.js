// The service menu on the home screen: one tile per service (icon, name, agency, people
// waiting, wait range), greyed with its reason when it cannot give a ticket, all greyed
// while the printer cannot print. Tiles are updated in place, and a "More services"
// button pages through a menu longer than the screen.
import { api } from './api.js';
import { byTestId, h, replaceChildren, setText } from './dom.js';
import { formatWait, pick, t } from './i18n.js';
import { icon } from './icons.js';
import { go } from './kiosk-navigation.js';
import { serviceById, state, unavailability, unavailableText } from './kiosk-state.js';

export function applyServices(services) {
  if (!Array.isArray(services)) return;
  state.services = services.filter((service) => service && typeof service.id === 'string');
  if (state.screen === 'home') renderServices();
}

export async function loadServicesOnce() {
  try {
    const { data } = await api('/api/services');
    if (state.services === null) applyServices(data?.services);
  } catch {
    // The stream brings them when the hub answers; the badge says we are reconnecting.
  }
}

/**
 * More services than fit on the screen: a big "More services" button (a swipe is not
 * obvious to everyone) pages down; at the end it becomes "Back to the top".
 */
export function updateMore() {
  const grid = document.getElementById('services');
  const more = document.getElementById('more');
  if (!grid || !more) return;
  const scrollable = grid.scrollHeight > grid.clientHeight + 4;
  more.hidden = !scrollable;
  if (!scrollable) return;
  const atEnd = grid.scrollTop + grid.clientHeight >= grid.scrollHeight - 8;
  more.dataset.atEnd = String(atEnd);
  const button = more.querySelector('button');
  const key = atEnd ? 'backToTop' : 'moreServices';
  if (button.dataset.key !== key) {
    button.dataset.key = key;
    replaceChildren(button, h('span', { class: 'k-more-arrow', 'aria-hidden': 'true' }, atEnd ? '▲' : '▼'), h('span', {}, t(key, state.lang)));
  }
}

export function scrollServices() {
  const grid = document.getElementById('services');
  if (!grid) return;
  const atEnd = grid.scrollTop + grid.clientHeight >= grid.scrollHeight - 8;
  grid.scrollTo({ top: atEnd ? 0 : grid.scrollTop + grid.clientHeight * 0.8, behavior: 'smooth' });
}

/** Fills or updates the service tiles in place (a snapshot must not move a tile under a finger). */
export function renderServices() {
  const grid = document.getElementById('services');
  if (!grid) return;
  const { lang } = state;
  if (state.services === null) {
    replaceChildren(grid, h('p', { class: 'k-grid-note', testid: 'services-loading' }, t('hubUnreachable', lang)));
    return;
  }
  if (state.services.length === 0) {
    replaceChildren(grid, h('p', { class: 'k-grid-note', testid: 'services-empty' }, t('noServices', lang)));
    return;
  }
  const wanted = state.services.map((service) => `service-${service.id}`);
  const present = /** @type {HTMLElement[]} */ ([...grid.children]).map((child) => child.dataset.testid);
  if (wanted.join('\n') !== present.join('\n')) replaceChildren(grid, state.services.map((service) => buildTile(service)));
  for (const service of state.services) updateTile(byTestId(`service-${service.id}`, grid), service);
  updateMore();
}

function buildTile(service) {
  return h(
    'button',
    { type: 'button', class: 'k-tile', testid: `service-${service.id}`, role: 'listitem', dataset: { serviceId: service.id }, onclick: () => chooseService(service.id) },
    h('span', { class: 'k-tile-icon' }, icon(service.icon)),
    h(
      'span',
      { class: 'k-tile-body' },
      h('span', { class: 'k-tile-name' }),
      h('span', { class: 'k-tile-agency' }),
      h('span', { class: 'k-tile-meta' }, h('span', {}, icon('people'), h('span', { class: 'k-tile-waiting' })), h('span', {}, icon('clock'), h('span', { class: 'k-tile-wait' }))),
      h('span', { class: 'k-tile-message' }),
    ),
  );
}

function updateTile(tile, service) {
  if (!tile) return;
  const { lang } = state;
  const reason = unavailability(service);
  tile.dataset.status = reason ? (service.capped && service.status === 'open' ? 'capped' : service.status) : 'open';
  // The printer notice above the tiles says why they are all greyed.
  tile.setAttribute('aria-disabled', String(Boolean(reason) || !state.printerReady));
  const iconEl = tile.querySelector('.icon');
  if (iconEl && iconEl.dataset.icon !== service.icon) iconEl.replaceWith(icon(service.icon));
  setText(tile.querySelector('.k-tile-name'), pick(service.names, lang) || service.id);
  setText(tile.querySelector('.k-tile-agency'), service.agency ?? '');
  const meta = tile.querySelector('.k-tile-meta');
  const message = tile.querySelector('.k-tile-message');
  meta.hidden = Boolean(reason);
  message.hidden = !reason;
  if (reason) {
    setText(message, unavailableText(reason, lang));
  } else {
    const waiting = Number.isFinite(service.waiting) ? service.waiting : 0;
    setText(tile.querySelector('.k-tile-waiting'), t('waitingNow', lang, { n: waiting }));
    setText(tile.querySelector('.k-tile-wait'), formatWait(service.estimatedWait, lang));
  }
}

function chooseService(serviceId) {
  const service = serviceById(serviceId);
  // No printer, no ticket: the notice on the home screen already says so.
  if (!service || !state.printerReady) return;
  const reason = unavailability(service);
  if (reason) {
    go('error', { error: { code: reason.code, messages: reason.message ?? undefined, backTo: 'home', serviceId } });
    return;
  }
  go('priority', { chosenServiceId: serviceId });
}
