// English / Kiswahili wording and the small formatters the pages share. `strings.js` is
// made by the hub from its wording table (protocol/wording/strings.ts) with the centre
// config's `strings` applied, so a centre's wording reaches every page.
import { allOf } from './dom.js';
import { STRINGS } from './strings.js';
import { waitWording } from './wait-words.js';

/** @typedef {'en' | 'sw'} Language */
export const LANGUAGES = /** @type {const} */ (['en', 'sw']);

/** The wording of `key` in `lang`, with `{name}` placeholders filled from `params`. */
export function t(key, lang, params) {
  const entry = STRINGS[key];
  let text = entry ? (entry[lang] ?? entry.en) : key;
  if (params) text = text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
  return text;
}

/** Fills each `[data-text="key"]` element with that wording in the element's `lang`: a page's fixed labels. */
export function fillTexts(root = document) {
  for (const el of allOf('[data-text]', root)) el.textContent = t(el.dataset.text, el.lang || 'en');
}

/** A `{en, sw}` text from the API in `lang` (falls back to the other language, then ''). */
export function pick(localized, lang) {
  if (!localized || typeof localized !== 'object') return typeof localized === 'string' ? localized : '';
  return localized[lang] || localized.en || localized.sw || '';
}

/**
 * An honest wait estimate as words: "called in about 10–15 min", "called within 5 min",
 * "No wait". `range` is a WaitRange ({lowMin, highMin}) or null (no open counter serves
 * it). It counts everyone called first, across services: show `waitExplained` near it.
 */
export function formatWait(range, lang) {
  const { key, params } = waitWording(range);
  return t(key, lang, params);
}

/** "Counter 3" / "Kaunta 3" for a numeric label; other labels ("Window A") as they are. */
export function counterName(label, lang) {
  const text = String(label ?? '').trim();
  return /^\d+$/.test(text) ? t('counterN', lang, { n: text }) : text;
}

/** @type {Intl.DateTimeFormat | null} */
let centreClock = null;

/**
 * The centre's IANA zone, from the queue snapshot (`centre.timeZone`): the pages show the
 * centre's time, never the browser's (a kiosk PC left on UTC showed 18:27 at 21:27 in
 * Nairobi; docs/queue.md, "Time on the pages"). An unknown zone is ignored.
 * @param {unknown} timeZone
 * @returns {boolean} whether the clock changed
 */
export function setCentreTimeZone(timeZone) {
  if (typeof timeZone !== 'string' || timeZone === '' || centreClock?.resolvedOptions().timeZone === timeZone) return false;
  try {
    centreClock = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    return true;
  } catch {
    return false;
  }
}

/** The centre's local time as HH:MM (24 h, as Kenyan public signage uses); '' until the hub has named the zone. */
export function clockText(date = new Date()) {
  if (!centreClock) return '';
  const parts = centreClock.formatToParts(date);
  const part = (type) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('hour')}:${part('minute')}`;
}

/** Wording for one API error: its own `messages` when given, else ours by code, else its message. */
export function errorText(error, lang) {
  if (error?.messages && (error.messages.en || error.messages.sw)) return pick(error.messages, lang);
  const key = `err_${error?.code}`;
  if (STRINGS[key]) return t(key, lang);
  if (error?.status === 401 || error?.status === 403) return t('err_unauthorized', lang);
  if (error?.code === 'network' || error?.code === 'timeout') return t('err_network', lang);
  return error?.message ? String(error.message) : t('err_unknown', lang);
}
