// The hall board (a TV, no input but a remote's OK): the last calls big, the newest
// highlighted and flashing, a chime per call, optional spoken calls (?speak=1), and the
// number waiting per service. Options in the address: ?speak=1|en|sw (spoken calls:
// English and, where the TV has a Kiswahili voice, Kiswahili), ?sound=0 (silent board).
import { Announcer } from './announcer.js';
import { byTestId, h, replaceChildren, setText } from './dom.js';
import { clockText, counterName, fillTexts, pick, setCentreTimeZone, t } from './i18n.js';
import { icon } from './icons.js';
import { openQueueStream, showConnection } from './stream.js';

/** Rows on the board: the newest and five before it, all readable across the hall. */
const MAX_ROWS = 6;
/** The newest call flashes this long. */
const FLASH_MS = 6000;
/** The waiting list shows as many services as fit at a readable size; more turn a page this often. */
const PAGE_MS = 10_000;
/** At most this many calls are announced from one snapshot (after a long disconnect). */
const MAX_ANNOUNCE_PER_SNAPSHOT = 3;

const params = new URLSearchParams(location.search);
const speakParam = (params.get('speak') ?? '').toLowerCase();
const speak = speakParam === '1' || speakParam === 'true' || speakParam === 'both' ? 'both' : speakParam === 'en' || speakParam === 'sw' ? speakParam : 'off';
const chime = params.get('sound') !== '0';

const announcer = new Announcer({ chime, speak });
const state = {
  services: [],
  calls: [],
  /** `${ticketId}#${calls}` of every call seen, so each new call or recall rings once. */
  seen: new Set(),
  primed: false,
  listKey: '',
  flashKey: null,
  flashUntil: 0,
  /** The waiting list's page (services that do not fit at once take turns). */
  page: 0,
};

const $calls = document.getElementById('calls');
const $waiting = document.getElementById('waiting');
const $overlay = document.getElementById('sound-overlay');
const $conn = document.getElementById('conn');

const callKey = (call) => `${call.ticketId}#${call.calls}`;

/** One row per ticket (a recall moves it to the top), newest first. */
function boardCalls(recentCalls) {
  const rows = [];
  const tickets = new Set();
  for (const call of recentCalls) {
    if (!call || typeof call.number !== 'string' || tickets.has(call.ticketId)) continue;
    tickets.add(call.ticketId);
    rows.push(call);
    if (rows.length === MAX_ROWS) break;
  }
  return rows;
}

const tick = () => setText(document.getElementById('clock'), clockText());

function applySnapshot(snapshot) {
  if (setCentreTimeZone(snapshot.centre?.timeZone)) tick();
  if (snapshot.centre?.names) {
    const el = document.getElementById('centre-name');
    setText(el, pick(snapshot.centre.names, 'en'));
    el.title = pick(snapshot.centre.names, 'sw');
  }
  if (Array.isArray(snapshot.services)) state.services = snapshot.services;
  const recent = Array.isArray(snapshot.recentCalls) ? snapshot.recentCalls : [];
  state.calls = boardCalls(recent);

  // Announce what is new since the last snapshot, oldest first; nothing from before the
  // board was opened.
  const fresh = recent.filter((call) => call && typeof call.number === 'string' && !state.seen.has(callKey(call)));
  for (const call of fresh) state.seen.add(callKey(call));
  if (state.primed && fresh.length) {
    for (const call of fresh.slice(0, MAX_ANNOUNCE_PER_SNAPSHOT).reverse()) announcer.announce(call);
    const newest = state.calls[0];
    if (newest && fresh.some((call) => callKey(call) === callKey(newest))) {
      state.flashKey = callKey(newest);
      state.flashUntil = Date.now() + FLASH_MS;
      setTimeout(renderCalls, FLASH_MS + 50);
    }
  }
  // Only calls still listed can come back in a snapshot: the board runs for weeks.
  state.seen = new Set(recent.filter((call) => call && typeof call.number === 'string').map(callKey));
  state.primed = true;
  renderCalls();
  renderWaiting();
}

function renderCalls() {
  const flashing = state.flashKey && Date.now() < state.flashUntil ? state.flashKey : null;
  const listKey = state.calls.map(callKey).join(',') + `|${flashing}`;
  if (listKey === state.listKey) return;
  state.listKey = listKey;
  if (state.calls.length === 0) {
    replaceChildren($calls, h('li', { class: 'b-empty', testid: 'calls-empty' }, h('span', { lang: 'en' }, t('noCallsYet', 'en')), h('span', { lang: 'sw' }, t('noCallsYet', 'sw'))));
    return;
  }
  replaceChildren(
    $calls,
    state.calls.map((call, index) => {
      const newest = index === 0;
      const label = String(call.counterLabel ?? call.counterId ?? '');
      const numeric = /^\d+$/.test(label);
      const service = state.services.find((s) => s.id === call.serviceId);
      return h(
        'li',
        {
          class: `b-call${newest ? ' b-newest' : ''}${newest && flashing === callKey(call) ? ' b-flash' : ''}`,
          testid: `call-${call.number}`,
          dataset: { newest: String(newest), calls: String(call.calls ?? 1), counter: call.counterId ?? '' },
        },
        h('span', { class: 'b-call-number' }, call.number),
        h('span', { class: 'b-call-arrow', 'aria-hidden': 'true' }, icon('arrow-right')),
        h(
          'span',
          { class: 'b-call-counter' },
          // The column head says "Counter · Kaunta" once for every row (it was also on the newest card).
          h('span', { class: 'b-call-counter-label' }, numeric ? label : counterName(label, 'en')),
        ),
        newest && service ? h('span', { class: 'b-call-service' }, h('span', { lang: 'en' }, pick(service.names, 'en')), h('span', { class: 'b-sw', lang: 'sw' }, pick(service.names, 'sw'))) : null,
        (call.calls ?? 1) > 1 ? h('span', { class: 'b-call-again' }, `${t('recallMark', 'en')} · ${t('recallMark', 'sw')}`) : null,
      );
    }),
  );
}

/**
 * The waiting list: one row per service with its prefix, both names in full (English,
 * Kiswahili under it; they wrap, never cut) and the number waiting. Rows keep a size
 * readable across the hall, so a long menu does not fit at once: the rows are split
 * into pages that fit the column, shown in turn (docs/queue.md, "Hall board").
 */
function renderWaiting() {
  const wanted = state.services.map((service) => `waiting-${service.id}`).join(',');
  if ($waiting.dataset.keys !== wanted) {
    $waiting.dataset.keys = wanted;
    replaceChildren(
      $waiting,
      state.services.map((service) =>
        h(
          'li',
          { class: 'b-wait', testid: `waiting-${service.id}` },
          h('span', { class: 'b-wait-prefix' }, service.prefix ?? ''),
          h('span', { class: 'b-wait-names' }, h('span', { class: 'b-wait-name', lang: 'en' }), h('span', { class: 'b-wait-name b-sw', lang: 'sw' })),
          h('span', { class: 'b-wait-count' }),
        ),
      ),
    );
  }
  for (const service of state.services) {
    const row = byTestId(`waiting-${service.id}`, $waiting);
    if (!row) continue;
    const available = service.status === 'open' && !service.capped;
    row.dataset.status = service.status === 'open' ? (service.capped ? 'capped' : 'open') : service.status;
    setText(row.querySelector('.b-wait-count'), Number.isFinite(service.waiting) ? service.waiting : 0);
    const [en, sw] = row.querySelectorAll('.b-wait-name');
    for (const [el, lang] of /** @type {const} */ ([[en, 'en'], [sw, 'sw']])) {
      const name = pick(service.names, lang);
      setText(el, available ? name : `${name} — ${t(service.status === 'closed' ? 'serviceShortClosed' : 'serviceShortSuspended', lang)}`);
    }
  }
  paginateWaiting();
}

/** Splits the rows into pages that fit the list's height and shows the current one. */
function paginateWaiting() {
  const rows = /** @type {HTMLElement[]} */ ([...$waiting.children]);
  for (const row of rows) row.hidden = false;
  const room = $waiting.clientHeight;
  const gap = parseFloat(getComputedStyle($waiting).rowGap) || 0;
  const pages = [];
  let used = 0;
  for (const row of rows) {
    const height = row.offsetHeight + gap;
    if (pages.length === 0 || (used + height > room + gap && used > 0)) {
      pages.push([]);
      used = 0;
    }
    pages.at(-1).push(row);
    used += height;
  }
  state.page = pages.length ? state.page % pages.length : 0;
  pages.forEach((page, index) => {
    for (const row of page) row.hidden = index !== state.page;
  });
  $waiting.dataset.page = `${state.page + 1}/${Math.max(1, pages.length)}`;
  setText(document.getElementById('waiting-page'), pages.length > 1 ? `${state.page + 1} / ${pages.length}` : '');
}

// ---------------------------------------------------------------- sound

function setupSound() {
  if (!chime && speak === 'off') return;
  announcer.prepare();
  if (announcer.soundAllowed && speak === 'off') return;
  $overlay.hidden = false;
  const button = document.getElementById('sound-enable');
  button.focus();
  const enable = async (event) => {
    event?.preventDefault?.();
    const ok = await announcer.unlock();
    if (!ok) return;
    $overlay.hidden = true;
    document.removeEventListener('keydown', onKey, true);
    announcer.announce({ number: null }); // one chime so whoever enabled it hears it works
  };
  const onKey = (event) => {
    if (['Enter', ' ', 'Spacebar', 'Select', 'MediaPlayPause'].includes(event.key) || event.keyCode === 13) void enable(event);
  };
  $overlay.addEventListener('click', enable);
  document.addEventListener('keydown', onKey, true);
}

// ---------------------------------------------------------------- start

function start() {
  fillTexts();
  tick();
  setInterval(tick, 10_000);
  setInterval(() => {
    state.page++;
    paginateWaiting();
  }, PAGE_MS);

  // A TV shows no mouse pointer unless someone moves one.
  let idle = 0;
  document.addEventListener('mousemove', () => {
    document.body.classList.remove('b-pointer-idle');
    clearTimeout(idle);
    idle = setTimeout(() => document.body.classList.add('b-pointer-idle'), 3000);
  });

  window.addEventListener('resize', paginateWaiting);
  renderCalls();
  setupSound();
  openQueueStream('/api/queue/stream', {
    onState: applySnapshot,
    onStatus(status) {
      showConnection($conn, status, `${t('reconnecting', 'en')} · ${t('reconnecting', 'sw')}`);
    },
  });
}

start();
