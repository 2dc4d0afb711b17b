// The devices panel: every feedback device with its counter, presence, last press,
// firmware, journal and what was refused; identify, selftest (the page lights each
// button as it is pressed), move, rekey and revoke. Live from the technician stream.
import { asApiError } from './api.js';
import { h, replaceChildren } from './dom.js';
import { ago, RATINGS, ratingLabel, showMessage, staffApi, state } from './technician-state.js';

/** @param {HTMLElement} panel */
export function renderDevices(panel) {
  const counters = [...new Set(state.devices.map((d) => d.counterId))].sort();
  const filter = h(
    'select',
    { testid: 'device-filter', 'aria-label': 'Filter by counter', onchange: (event) => ((state.filter = event.target.value), renderDevices(panel)) },
    h('option', { value: '' }, 'All counters'),
    counters.map((c) => h('option', { value: c, selected: state.filter === c }, `Counter ${c}`)),
  );
  const shown = state.devices.filter((d) => !state.filter || d.counterId === state.filter);
  const rows = shown.map((device) => deviceRow(device, panel));
  replaceChildren(
    panel,
    h('div', { class: 't-toolbar' }, h('h2', {}, `Devices (${state.devices.filter((d) => d.online).length} of ${state.devices.length} online)`), filter),
    state.selftest ? selftestView(panel) : null,
    shown.length === 0
      ? h('p', { class: 't-hint', testid: 'no-devices' }, state.devices.length === 0 ? 'No devices yet. Add one from "Add a device".' : 'No device at this counter.')
      : h(
          'table',
          { class: 't-table', testid: 'devices' },
          h('thead', {}, h('tr', {}, ['Device', 'Counter', 'State', 'Last press', 'Firmware', 'Journal', 'Refused', ''].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, rows),
        ),
  );
}

function deviceRow(device, panel) {
  const t = device.telemetry ?? {};
  const last = state.lastPress.get(device.deviceId);
  const refused = Object.values(device.refused ?? {}).reduce((sum, r) => sum + r.count, 0);
  const stateText = device.revoked ? 'revoked' : device.online ? 'online' : device.connected ? 'connected, board not armed' : 'offline';
  const stuck = Array.isArray(t.stuckButtons) && t.stuckButtons.length > 0 ? h('span', { class: 't-badge warn' }, `stuck: ${t.stuckButtons.join(', ')}`) : null;
  return h(
    'tr',
    { testid: `device-${device.deviceId}`, dataset: { state: stateText } },
    h('td', {}, h('strong', {}, device.deviceId)),
    h('td', {}, device.counterId),
    h('td', {}, h('span', { class: `t-dot ${device.online ? 'on' : 'off'}`, 'aria-hidden': 'true' }), ` ${stateText} `, h('small', {}, `since ${ago(device.presenceSince)}`), stuck),
    h('td', { testid: `last-press-${device.deviceId}` }, last ? `${ratingLabel(last.rating)}${last.misuse ? ' (misuse)' : ''} · ${ago(last.pressedAt)}` : '—'),
    h('td', {}, device.fw ?? '—'),
    h('td', {}, t.queued === undefined ? '—' : `${t.queued} queued · ${t.dropped ?? 0} dropped`),
    h('td', {}, refused === 0 ? '0' : h('span', { class: 't-badge warn', title: Object.keys(device.refused).join(', ') }, String(refused))),
    h('td', { class: 't-actions' }, device.revoked ? null : actions(device, panel)),
  );
}

function actions(device, panel) {
  const command = (op) => async () => {
    try {
      const { data } = await staffApi(`/api/devices/${encodeURIComponent(device.deviceId)}/commands`, { method: 'POST', body: { op } });
      if (op === 'selftest') {
        state.selftest = { deviceId: device.deviceId, lit: new Set(), result: data?.result ?? null, error: null };
      } else showMessage('ok', `${device.deviceId} is blinking and beeping.`);
    } catch (error) {
      const e = asApiError(error);
      if (op === 'selftest') state.selftest = { deviceId: device.deviceId, lit: new Set(), result: null, error: e.message };
      else showMessage('error', e.message);
    }
    renderDevices(panel);
  };
  const move = async () => {
    const to = window.prompt(`Move ${device.deviceId} to which counter? (${state.counters.map((c) => c.id).join(', ')})`, device.counterId);
    if (!to || to === device.counterId) return;
    await act(panel, () => staffApi(`/api/devices/${encodeURIComponent(device.deviceId)}/counter`, { method: 'PUT', body: { counterId: to } }), `${device.deviceId} now counts for counter ${to}.`);
  };
  const rekey = async () => {
    if (!window.confirm(`Give ${device.deviceId} a new password? The bridge must then be given it.`)) return;
    await act(panel, () => staffApi(`/api/devices/${encodeURIComponent(device.deviceId)}/rekey`, { method: 'POST', body: {} }), (data) => `New password for ${device.deviceId} (shown once): ${data?.password ?? '?'}`);
  };
  const revoke = async () => {
    if (!window.confirm(`Revoke ${device.deviceId}? It is disconnected at once and refused from then on.`)) return;
    await act(panel, () => staffApi(`/api/devices/${encodeURIComponent(device.deviceId)}`, { method: 'DELETE' }), `${device.deviceId} is revoked.`);
  };
  return [
    h('button', { type: 'button', testid: `identify-${device.deviceId}`, onclick: command('identify'), disabled: !device.connected }, 'Identify'),
    h('button', { type: 'button', testid: `selftest-${device.deviceId}`, onclick: command('selftest'), disabled: !device.connected }, 'Selftest'),
    h('button', { type: 'button', testid: `move-${device.deviceId}`, onclick: move }, 'Move'),
    h('button', { type: 'button', testid: `rekey-${device.deviceId}`, onclick: rekey }, 'Rekey'),
    h('button', { type: 'button', class: 't-danger', testid: `revoke-${device.deviceId}`, onclick: revoke }, 'Revoke'),
  ];
}

async function act(panel, call, done) {
  try {
    const { data } = await call();
    showMessage('ok', typeof done === 'function' ? done(data) : done);
  } catch (error) {
    showMessage('error', asApiError(error).message);
  }
  renderDevices(panel);
}

/** The selftest view: the board's answer, and each button lit once it was pressed. */
function selftestView(panel) {
  const test = state.selftest;
  const buttons = Array.isArray(test.result?.buttons) ? test.result.buttons : [];
  const stuck = buttons.filter((b) => b.state === 'pressed');
  return h(
    'div',
    { class: 't-selftest', testid: 'selftest' },
    h('h3', {}, `Selftest: ${test.deviceId}`),
    test.error ? h('p', { class: 't-error' }, test.error) : h('p', {}, stuck.length > 0 ? `Stuck at rest: ${stuck.map((b) => ratingLabel(b.rating)).join(', ')}` : 'Every button reads released at rest. Press each button once:'),
    h(
      'div',
      { class: 't-buttons' },
      RATINGS.map((r) => h('span', { class: `t-button ${r.cls}${test.lit.has(r.rating) ? ' lit' : ''}`, testid: `selftest-button-${r.rating}`, dataset: { lit: String(test.lit.has(r.rating)) } }, r.label)),
    ),
    test.lit.size === 4 ? h('p', { class: 't-ok', testid: 'selftest-done' }, 'All four buttons work.') : null,
    h('button', { type: 'button', testid: 'selftest-close', onclick: () => ((state.selftest = null), renderDevices(panel)) }, 'Close'),
  );
}

/** A press from the stream: lights its button in the selftest view when it came from the device under test. */
export function selftestPressed(press) {
  if (!state.selftest || press.deviceId !== state.selftest.deviceId) return;
  state.selftest.lit.add(press.rating);
  const panel = document.getElementById('panel');
  if (panel && state.tab === 'devices') renderDevices(panel);
}
