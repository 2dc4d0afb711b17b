// The technician page's other panels: pairing a new feedback device by code, the
// printer and boards with their tests, the centre config (validate, apply live), and
// the audit trail.
import { asApiError } from './api.js';
import { h, replaceChildren } from './dom.js';
import { ago, centreTime, showMessage, staffApi, state } from './technician-state.js';

/** What the technician runs on the counter PC to pair the board there. */
function bridgeCommand(code) {
  return `npx huduma-bridge start --serial /dev/ttyACM0 --hub mqtt://${location.hostname}:${state.centre.mqttPort || 1883} --centre ${state.centre.id} --pair ${code} --data-dir /var/lib/huduma-bridge`;
}

/** @param {HTMLElement} panel */
export function renderPairing(panel) {
  const chosen = state.pairCounter || state.pairing?.counterId || state.counters[0]?.id || '';
  const select = h(
    'select',
    { testid: 'pair-counter', 'aria-label': 'Counter', onchange: (event) => (state.pairCounter = event.target.value) },
    state.counters.map((c) => h('option', { value: c.id, selected: c.id === chosen }, c.label ? `${c.id} · ${c.label}` : c.id)),
  );
  const open = async () => {
    const counterId = /** @type {HTMLSelectElement} */ (select).value;
    try {
      const { data } = await staffApi('/api/pairing', { method: 'POST', body: { counterId } });
      state.pairing = { code: data.code, counterId: data.counterId, expiresAt: data.expiresAt, openedAt: Date.now(), known: new Set(state.devices.map((d) => d.deviceId)), qr: null };
      // The command line as a QR code, for a phone at the counter PC (made by the hub).
      const qr = await staffApi('/api/qr', { method: 'POST', body: { text: bridgeCommand(state.pairing.code) } }).catch(() => null);
      if (qr?.data?.svg && state.pairing) state.pairing.qr = `data:image/svg+xml;base64,${btoa(qr.data.svg)}`;
    } catch (error) {
      state.pairing = null;
      showMessage('error', asApiError(error).message);
    }
    renderPairing(panel);
  };
  const pairing = state.pairing;
  const arrived = pairing ? state.devices.filter((d) => d.counterId === pairing.counterId && !pairing.known.has(d.deviceId)) : [];
  const command = pairing ? bridgeCommand(pairing.code) : '';
  replaceChildren(
    panel,
    h('h2', {}, 'Add a feedback device'),
    h('p', {}, 'Choose the counter the device stands at, open pairing, and start the bridge on the counter PC with the code. No password is typed: the bridge receives its own.'),
    h('div', { class: 't-toolbar' }, h('label', {}, 'Counter ', select), h('button', { type: 'button', class: 't-primary', testid: 'pair-open', onclick: open }, 'Open pairing')),
    pairing
      ? h(
          'div',
          { class: 't-pairing', testid: 'pairing' },
          h('p', {}, `Pairing code for counter ${pairing.counterId} (single use, until ${centreTime(pairing.expiresAt)}):`),
          h('div', { class: 't-code', testid: 'pair-code' }, pairing.code.replace(/^(\d{3})(\d{3})$/, '$1 $2')),
          h('p', {}, 'On the counter PC:'),
          h('pre', { class: 't-command', testid: 'pair-command' }, command),
          pairing.qr ? h('img', { class: 't-qr', src: pairing.qr, alt: 'The bridge command line as a QR code', testid: 'pair-qr' }) : null,
          arrived.length === 0
            ? h('p', { class: 't-hint', testid: 'pair-waiting' }, 'Waiting for the board…')
            : arrived.map((d) =>
                h('p', { class: d.online ? 't-ok' : 't-hint', testid: `pair-arrived-${d.deviceId}` }, `${d.deviceId} arrived${d.fw ? ` (${d.fw})` : ''}: ${d.online ? `online at counter ${d.counterId}` : 'connected, arming the board…'}`),
              ),
        )
      : null,
  );
}

/** @param {HTMLElement} panel */
export async function renderPrinter(panel) {
  replaceChildren(panel, h('h2', {}, 'Printer and boards'), h('p', { class: 't-hint' }, 'Loading…'));
  let printer = null;
  let boards = null;
  try {
    printer = (await staffApi('/api/printer')).data;
  } catch (error) {
    printer = { error: asApiError(error).message };
  }
  try {
    boards = (await staffApi('/api/boards')).data?.boards ?? [];
  } catch {
    boards = null;
  }
  const testTicket = async () => {
    try {
      await staffApi('/api/printer/test', { method: 'POST', body: {} });
      showMessage('ok', 'A test ticket was printed (no queue number was used).');
    } catch (error) {
      showMessage('error', asApiError(error).message);
    }
    void renderPrinter(panel);
  };
  const boardTest = (id) => async () => {
    try {
      await staffApi(`/api/boards/${encodeURIComponent(id)}/test`, { method: 'POST', body: {} });
      showMessage('ok', `${id} is showing its test pattern.`);
    } catch (error) {
      showMessage('error', asApiError(error).message);
    }
    void renderPrinter(panel);
  };
  replaceChildren(
    panel,
    h('h2', {}, 'Printer and boards'),
    h('div', { class: 't-card', testid: 'printer' }, h('h3', {}, 'Ticket printer'), printer?.error ? h('p', { class: 't-error' }, printer.error) : h('p', { testid: 'printer-state' }, `${printer.kind}: ${printer.state}`), h('button', { type: 'button', testid: 'printer-test', onclick: testTicket }, 'Print a test ticket')),
    boards === null
      ? h('p', { class: 't-hint' }, 'This hub does not report its boards.')
      : h('div', { class: 't-card', testid: 'boards' }, h('h3', {}, 'Hall boards and counter displays'), boards.length === 0 ? h('p', {}, 'None configured.') : boards.map((b) => h('p', {}, `${b.id ?? b.boardId}: ${b.healthy === false ? 'not answering' : 'ok'} `, h('button', { type: 'button', onclick: boardTest(b.id ?? b.boardId) }, 'Test pattern')))),
  );
}

/** @param {HTMLElement} panel */
export async function renderConfig(panel) {
  replaceChildren(panel, h('h2', {}, 'Centre config'), h('p', { class: 't-hint' }, 'Loading…'));
  let text = '';
  try {
    text = JSON.stringify((await staffApi('/api/config')).data, null, 2);
  } catch (error) {
    replaceChildren(panel, h('h2', {}, 'Centre config'), h('p', { class: 't-error' }, asApiError(error).message));
    return;
  }
  const editor = /** @type {HTMLTextAreaElement} */ (h('textarea', { class: 't-editor', testid: 'config-editor', spellcheck: 'false', 'aria-label': 'Centre config (JSON)' }));
  editor.value = text;
  const result = h('div', { testid: 'config-result', role: 'status' });
  const send = async (path, method) => {
    let body;
    try {
      body = JSON.parse(editor.value);
    } catch (error) {
      replaceChildren(result, h('p', { class: 't-error' }, `Not valid JSON: ${error.message}`));
      return;
    }
    try {
      await staffApi(path, { method, body });
      replaceChildren(result, h('p', { class: 't-ok' }, method === 'PUT' ? 'Applied. The centre runs on it now.' : 'Valid.'));
    } catch (error) {
      const e = asApiError(error);
      const issues = e.issues;
      replaceChildren(result, h('p', { class: 't-error' }, e.message), issues.length ? h('ul', {}, issues.map((i) => h('li', {}, `${i.path}: ${i.message}`))) : null);
    }
  };
  replaceChildren(
    panel,
    h('h2', {}, 'Centre config'),
    h('p', {}, 'Services, counters, opening hours, caps and displays apply without a restart. A change that would strand waiting tickets is refused with the reason.'),
    editor,
    h('div', { class: 't-toolbar' }, h('button', { type: 'button', testid: 'config-validate', onclick: () => void send('/api/config/validate', 'POST') }, 'Validate'), h('button', { type: 'button', class: 't-primary', testid: 'config-apply', onclick: () => void send('/api/config', 'PUT') }, 'Apply')),
    result,
  );
}

/** @param {HTMLElement} panel */
export async function renderAudit(panel) {
  let entries = [];
  try {
    entries = (await staffApi('/api/audit?limit=200')).data?.entries ?? [];
  } catch (error) {
    replaceChildren(panel, h('h2', {}, 'Audit log'), h('p', { class: 't-error' }, asApiError(error).message));
    return;
  }
  replaceChildren(
    panel,
    h('h2', {}, 'Audit log'),
    h(
      'table',
      { class: 't-table', testid: 'audit' },
      h('thead', {}, h('tr', {}, ['When', 'Who', 'What', 'On', 'Details'].map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        {},
        entries.map((e) => h('tr', {}, h('td', { title: e.at }, `${centreTime(e.at)} · ${ago(e.at)}`), h('td', {}, e.actor), h('td', {}, e.action), h('td', {}, e.target ?? '—'), h('td', {}, Object.entries(e.details ?? {}).map(([k, v]) => `${k}: ${v}`).join(' · ')))),
      ),
    ),
  );
}
