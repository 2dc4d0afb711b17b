// Brings the built console in line with the state after every snapshot, answer or
// click, without rebuilding it (inputs keep focus and text): the counter's state, the
// current ticket, which buttons the rules allow, the message line, the open panel,
// the transfer choices and who is waiting for this counter.
import { byTestId, controlByTestId, h, replaceChildren, setText } from './dom.js';
import { clockText, errorText, formatWait, pick, t } from './i18n.js';
import { icon } from './icons.js';
import { renderChrome } from './counter-page.js';
import { allowed, myCounter, serviceById, serviceName, state, ui } from './counter-state.js';

function statusKey(status) {
  return `status_${status}`;
}

/** Brings the console in line with the state (no rebuild: inputs keep focus and text). */
export function updateConsole() {
  if (!ui.view?.root) return;
  const { lang } = state;
  renderChrome();
  const counter = myCounter();
  const current = counter?.current ?? null;

  const $state = byTestId('counter-state', ui.view.root);
  const counterState = counter?.state ?? 'closed';
  $state.dataset.state = counter ? counterState : 'unknown';
  setText($state, counter ? t(`counterState_${counterState}`, lang) + (counterState === 'paused' && counter.pauseReason ? ` — ${counter.pauseReason}` : '') : '…');

  const body = document.getElementById('current-body');
  const currentKey = current ? `${current.id}|${current.status}|${current.calls}|${current.serviceId}|${lang}|${clockText(new Date(current.issuedAt ?? 0))}` : `none|${lang}`;
  if (body.dataset.key !== currentKey) {
    body.dataset.key = currentKey;
    if (!current) {
      replaceChildren(body, h('p', { class: 'c-empty', testid: 'current-empty' }, t('noCurrentTicket', lang)));
    } else {
      const category = current.category && current.category !== 'regular' ? current.category : null;
      const categoryKey = { elderly: 'categoryElderly', disability: 'categoryDisability', pregnancy: 'categoryPregnancy', appointment: 'categoryAppointment' }[category];
      replaceChildren(
        body,
        h('div', { class: 'c-current-number', testid: 'current-number' }, current.number),
        h(
          'div',
          { class: 'c-current-facts' },
          h('div', { class: 'c-current-service', testid: 'current-service' }, icon(serviceById(current.serviceId)?.icon ?? 'ticket'), h('span', {}, serviceName(current.serviceId))),
          h('div', { class: 'c-pills' }, h('span', { class: 'c-pill', testid: 'current-status', dataset: { status: current.status } }, t(statusKey(current.status), lang)), categoryKey ? h('span', { class: 'c-pill c-pill-priority', testid: 'current-category' }, t(categoryKey, lang)) : null, h('span', { class: 'c-pill c-pill-quiet', testid: 'current-calls' }, `${t('calls', lang)}: ${current.calls ?? 0}`)),
          current.issuedAt && clockText(new Date(current.issuedAt)) ? h('div', { class: 'c-muted', testid: 'current-issued' }, t('waitedFor', lang, { time: clockText(new Date(current.issuedAt)) })) : null,
        ),
      );
    }
  }

  const can = allowed();
  const map = { next: 'btn-next', recall: 'btn-recall', start: 'btn-start', finish: 'btn-finish', noShow: 'btn-no-show', transfer: 'btn-transfer', pause: 'btn-pause', open: 'btn-open', close: 'btn-close' };
  for (const [rule, testid] of Object.entries(map)) {
    const button = controlByTestId(testid, ui.view.root);
    if (button) button.disabled = !can[rule];
  }
  byTestId('btn-transfer', ui.view.root)?.setAttribute('aria-expanded', String(state.panel === 'transfer'));
  byTestId('btn-pause', ui.view.root)?.setAttribute('aria-expanded', String(state.panel === 'pause'));

  const $message = document.getElementById('console-message');
  const $error = document.getElementById('console-error');
  const message = state.message;
  $message.hidden = !(message?.kind === 'info');
  setText($message, message?.kind === 'info' ? t(message.key, lang, message.params) : '');
  $error.hidden = !(message?.kind === 'error');
  setText($error, message?.kind === 'error' ? errorText(message.error, lang) : '');
  if (message?.kind === 'error') $error.dataset.code = message.error?.code ?? '';

  // Panels.
  const transferPanel = document.getElementById('transfer-panel');
  const pausePanel = document.getElementById('pause-panel');
  if (state.panel === 'transfer' && !can.transfer && !state.busy) state.panel = null;
  if (state.panel === 'pause' && !can.pause && !state.busy) state.panel = null;
  transferPanel.hidden = state.panel !== 'transfer';
  pausePanel.hidden = state.panel !== 'pause';
  if (state.panel === 'transfer') renderTransferList(current);
  controlByTestId('transfer-confirm', ui.view.root).disabled = state.busy || !state.transferTo;
  controlByTestId('pause-confirm', ui.view.root).disabled = state.busy || !ui.view.pauseInput.value.trim();

  renderWaiting(counter);
}

function renderTransferList(current) {
  const list = document.getElementById('transfer-list');
  const options = state.services.filter((service) => service.id !== current?.serviceId);
  const key = options.map((service) => `${service.id}:${service.status}`).join(',') + `|${state.transferTo}|${state.lang}`;
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  replaceChildren(
    list,
    options.map((service) =>
      h(
        'button',
        {
          type: 'button',
          class: 'c-transfer-option',
          testid: `transfer-${service.id}`,
          'aria-pressed': String(state.transferTo === service.id),
          dataset: { status: service.status },
          onclick: () => {
            state.transferTo = service.id;
            updateConsole();
          },
        },
        h('span', { class: 'c-prefix' }, service.prefix ?? ''),
        h('span', {}, pick(service.names, state.lang)),
      ),
    ),
  );
}

function renderWaiting(counter) {
  const list = document.getElementById('waiting-list');
  const ids = counter?.serviceIds ?? [];
  const { lang } = state;
  let total = 0;
  const rows = ids.map((id) => {
    const service = serviceById(id);
    const waiting = Number.isFinite(service?.waiting) ? service.waiting : 0;
    total += waiting;
    return h(
      'li',
      { class: 'c-wait', testid: `waiting-${id}`, dataset: { status: service?.status ?? 'unknown' } },
      h('span', { class: 'c-prefix' }, service?.prefix ?? '?'),
      h('span', { class: 'c-wait-name' }, pick(service?.names, lang) || id, service && service.status !== 'open' ? h('span', { class: 'c-wait-status' }, ` (${t(service.status === 'closed' ? 'serviceShortClosed' : 'serviceShortSuspended', lang)})`) : null),
      h('span', { class: 'c-wait-count' }, String(waiting)),
      h('span', { class: 'c-wait-eta' }, service ? formatWait(service.estimatedWait, lang) : ''),
    );
  });
  replaceChildren(list, rows);
  setText(document.getElementById('waiting-total'), t('waitingNow', lang, { n: total }));
}
