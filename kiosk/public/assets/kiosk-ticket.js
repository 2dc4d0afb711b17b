// From a chosen service to a ticket: the priority step (Regular / Elderly / Disability /
// Pregnant), then the issued ticket on screen for a few seconds (number, service, people
// ahead, wait range) while the hub prints it.
import { h } from './dom.js';
import { formatWait, pick, t } from './i18n.js';
import { icon } from './icons.js';
import { renderHome } from './kiosk-home.js';
import { backButton, go, resetToStart } from './kiosk-navigation.js';
import { request } from './kiosk-request.js';
import { TICKET_MS, serviceById, state } from './kiosk-state.js';

const CATEGORIES = [
  { id: 'regular', icon: 'person', label: 'categoryRegular', hint: 'categoryRegularHint' },
  { id: 'elderly', icon: 'elder', label: 'categoryElderly' },
  { id: 'disability', icon: 'wheelchair', label: 'categoryDisability' },
  { id: 'pregnancy', icon: 'pregnant', label: 'categoryPregnancy' },
];

async function issueTicket(category) {
  const service = serviceById(state.chosenServiceId);
  if (!service || state.busy) return;
  await request('/api/tickets', { serviceId: service.id, category, language: state.lang }, 'priority');
}

function serviceBanner(service) {
  const { lang } = state;
  return h(
    'div',
    { class: 'k-chosen', testid: 'chosen-service' },
    h('span', { class: 'k-tile-icon' }, icon(service?.icon ?? 'info')),
    h('span', { class: 'k-chosen-text' }, h('span', { class: 'k-chosen-name' }, pick(service?.names, lang)), h('span', { class: 'k-tile-agency' }, service?.agency ?? '')),
  );
}

export function renderPriority() {
  const { lang } = state;
  const service = serviceById(state.chosenServiceId);
  if (!service) return renderHome();
  const [regular, ...priority] = CATEGORIES;
  const categoryButton = (category, className) =>
    h(
      'button',
      { type: 'button', class: `k-category ${className}`, testid: `category-${category.id}`, dataset: { category: category.id }, onclick: () => issueTicket(category.id) },
      icon(category.icon),
      h('span', { class: 'k-category-label' }, t(category.label, lang)),
      category.hint ? h('span', { class: 'k-category-hint' }, t(category.hint, lang)) : null,
    );
  return h(
    'section',
    { class: 'k-priority', testid: 'screen-priority' },
    h('div', { class: 'k-step-head' }, backButton(() => go('home')), serviceBanner(service)),
    h('h1', { class: 'k-title' }, t('whoIsTicketFor', lang)),
    h('p', { class: 'k-subtitle' }, t('priorityHint', lang)),
    h('div', { class: 'k-categories' }, categoryButton(regular, 'k-category-regular'), h('div', { class: 'k-categories-priority' }, priority.map((category) => categoryButton(category, 'k-category-priority')))),
  );
}

export function renderTicket() {
  const { lang, ticket } = state;
  const service = serviceById(ticket.serviceId);
  const priority = ticket.category && ticket.category !== 'regular';
  const categoryLabel = { elderly: 'categoryElderly', disability: 'categoryDisability', pregnancy: 'categoryPregnancy', appointment: 'categoryAppointment' }[ticket.category];
  return h(
    'section',
    { class: 'k-ticket', testid: 'screen-ticket' },
    h(
      'div',
      { class: 'k-ticket-card', testid: 'ticket' },
      h('div', { class: 'k-ticket-label' }, t('yourTicket', lang)),
      h('div', { class: 'k-ticket-number', testid: 'ticket-number' }, ticket.number),
      h('div', { class: 'k-ticket-service', testid: 'ticket-service' }, icon(service?.icon ?? 'ticket'), h('span', {}, service ? pick(service.names, lang) : ticket.serviceId)),
      priority && categoryLabel ? h('div', { class: 'k-ticket-priority', testid: 'ticket-category' }, `${t('priorityTicket', lang)}: ${t(categoryLabel, lang)}`) : null,
      h(
        'dl',
        { class: 'k-ticket-facts' },
        h('div', {}, h('dt', {}, t('peopleAhead', lang)), h('dd', { testid: 'ticket-ahead' }, String(ticket.peopleAhead ?? 0))),
        h('div', {}, h('dt', {}, t('estimatedWait', lang)), h('dd', { testid: 'ticket-wait' }, formatWait(ticket.quotedWait, lang))),
      ),
      ticket.quotedWait ? h('p', { class: 'k-ticket-wait-note', testid: 'ticket-wait-note' }, t('waitExplained', lang)) : null,
      h('p', { class: 'k-ticket-instruction' }, t('waitForNumber', lang)),
      state.notPrinted
        ? h('p', { class: 'k-ticket-not-printed', testid: 'ticket-not-printed', role: 'alert' }, icon('warning'), ' ', pick(state.notPrinted, lang))
        : h('p', { class: 'k-ticket-print' }, icon('printer'), ' ', t('takePrintedTicket', lang)),
    ),
    h('button', { type: 'button', class: 'k-btn k-btn-primary k-btn-done', testid: 'ticket-done', onclick: resetToStart }, icon('check'), h('span', {}, t('done', lang))),
    h('div', { class: 'k-countdown', 'aria-hidden': 'true' }, h('div', { class: 'k-countdown-bar', style: { animationDuration: `${TICKET_MS}ms` } })),
  );
}
