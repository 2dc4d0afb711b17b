// The console an officer works in, built once per sign-in or language change: the
// current ticket, the action buttons (Next, Recall, Start, Finish, No-show, Transfer),
// the transfer and pause panels, the counter's own buttons (Pause, Open / Resume,
// Close) and who is waiting. counter-console-update.js keeps it in line with the state.
import { h, replaceChildren } from './dom.js';
import { t } from './i18n.js';
import { icon } from './icons.js';
import { act, closePanel, confirmPause, confirmTransfer, openPanel } from './counter-actions.js';
import { updateConsole } from './counter-console-update.js';
import { $app, scheduleExpiry } from './counter-page.js';
import { state, ui } from './counter-state.js';

const PAUSE_REASONS = ['pauseBreak', 'pauseLunch', 'pauseSystemDown', 'pauseMeeting'];

function actionButton(id, action, labelKey, iconName, extra = {}) {
  return h(
    'button',
    { type: 'button', class: `c-btn c-action ${extra.class ?? ''}`.trim(), testid: `btn-${id}`, dataset: { action }, onclick: extra.onclick ?? (() => act(action)) },
    icon(iconName),
    h('span', { class: 'c-action-label' }, t(labelKey, state.lang)),
    extra.shortcut ? h('kbd', { class: 'c-kbd' }, extra.shortcut) : null,
  );
}

export function renderConsole() {
  const { lang } = state;
  const pauseInput = h('input', { class: 'c-input', id: 'pause-reason', testid: 'pause-reason', type: 'text', maxlength: '200', placeholder: t('pauseReason', lang) });
  pauseInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      confirmPause();
    }
  });
  pauseInput.addEventListener('input', () => updateConsole());
  const transferReason = h('input', { class: 'c-input', id: 'transfer-reason', testid: 'transfer-reason', type: 'text', maxlength: '200', placeholder: t('transferReason', lang) });

  const root = h(
    'div',
    { class: 'c-console', testid: 'console' },
    h(
      'section',
      { class: 'c-work' },
      h(
        'div',
        { class: 'c-current', testid: 'current-ticket' },
        h('div', { class: 'c-current-head' }, h('h2', { class: 'c-section-title' }, t('currentTicket', lang)), h('span', { class: 'c-state', testid: 'counter-state' })),
        h('div', { class: 'c-current-body', id: 'current-body' }),
      ),
      h(
        'div',
        { class: 'c-actions', role: 'group' },
        actionButton('next', 'call-next', 'btnNext', 'arrow-right', { class: 'c-btn-primary c-action-next', shortcut: 'N' }),
        actionButton('recall', 'recall', 'btnRecall', 'repeat', { shortcut: 'R' }),
        actionButton('start', 'start', 'btnStart', 'play'),
        actionButton('finish', 'finish', 'btnFinish', 'check'),
        actionButton('no-show', 'no-show', 'btnNoShow', 'person-x'),
        actionButton('transfer', 'transfer', 'btnTransfer', 'transfer', { onclick: () => (state.panel === 'transfer' ? closePanel() : openPanel('transfer')) }),
      ),
      h('p', { class: 'c-message', id: 'console-message', testid: 'console-message', role: 'status', hidden: true }),
      h('p', { class: 'c-error', id: 'console-error', testid: 'console-error', role: 'alert', hidden: true }),
      h(
        'div',
        { class: 'c-panel', id: 'transfer-panel', testid: 'transfer-panel', hidden: true },
        h('h3', { class: 'c-panel-title' }, t('transferTo', lang)),
        h('div', { class: 'c-transfer-list', id: 'transfer-list' }),
        h('div', { class: 'c-inline' }, transferReason),
        h(
          'div',
          { class: 'c-inline c-panel-buttons' },
          h('button', { type: 'button', class: 'c-btn', testid: 'transfer-cancel', onclick: closePanel }, t('cancel', lang)),
          h('button', { type: 'button', class: 'c-btn c-btn-primary', testid: 'transfer-confirm', onclick: confirmTransfer }, icon('transfer'), h('span', {}, t('btnTransfer', lang))),
        ),
      ),
      h(
        'div',
        { class: 'c-counter-actions', role: 'group' },
        actionButton('pause', 'pause', 'btnPause', 'pause', { onclick: () => (state.panel === 'pause' ? closePanel() : openPanel('pause')) }),
        actionButton('open', 'open', 'btnResume', 'play'),
        actionButton('close', 'close', 'btnClose', 'door'),
      ),
      h(
        'div',
        { class: 'c-panel', id: 'pause-panel', testid: 'pause-panel', hidden: true },
        h('h3', { class: 'c-panel-title' }, t('pauseReason', lang)),
        h(
          'div',
          { class: 'c-chips' },
          PAUSE_REASONS.map((key) =>
            h('button', { type: 'button', class: 'c-chip', testid: `pause-preset-${key}`, onclick: () => ((pauseInput.value = t(key, lang)), updateConsole(), pauseInput.focus()) }, t(key, lang)),
          ),
        ),
        h('div', { class: 'c-inline' }, pauseInput),
        h(
          'div',
          { class: 'c-inline c-panel-buttons' },
          h('button', { type: 'button', class: 'c-btn', testid: 'pause-cancel', onclick: closePanel }, t('cancel', lang)),
          h('button', { type: 'button', class: 'c-btn c-btn-primary', testid: 'pause-confirm', onclick: confirmPause }, icon('pause'), h('span', {}, t('btnPause', lang))),
        ),
      ),
      h('p', { class: 'c-hint' }, t('shortcutsHint', lang)),
    ),
    h(
      'aside',
      { class: 'c-side' },
      h('h2', { class: 'c-section-title' }, t('waitingForCounter', lang)),
      h('p', { class: 'c-total', id: 'waiting-total', testid: 'waiting-total' }),
      h('ul', { class: 'c-waiting', id: 'waiting-list', testid: 'waiting-list' }),
    ),
  );
  replaceChildren($app, root);
  ui.view = { root, pauseInput, transferReason };
  scheduleExpiry();
  updateConsole();
}
