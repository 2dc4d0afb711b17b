// The kiosk's state, its timings, and what the service menu says about one service.
// Every kiosk module reads and changes this one `state`; the screens are drawn from it.
import { pick, t } from './i18n.js';

/** Back to the start (and English) after this long without a touch. */
export const IDLE_MS = 60_000;
/** The issued ticket stays on screen this long. */
export const TICKET_MS = 10_000;
/** An error message stays this long unless dismissed. */
export const ERROR_MS = 20_000;

export const state = {
  lang: 'en',
  /** 'home' | 'priority' | 'appointment' | 'busy' | 'ticket' | 'error' | 'unprovisioned' */
  screen: 'home',
  token: null,
  tokenRefused: false,
  services: /** @type {any[] | null} */ (null),
  centreNames: null,
  /** The snapshot's `printer.ready`; assumed ready until the hub says otherwise. */
  printerReady: true,
  connection: 'connecting',
  chosenServiceId: null,
  reference: '',
  ticket: null,
  error: null,
  busy: false,
};

export function serviceById(id) {
  return state.services?.find((service) => service.id === id) ?? null;
}

/** Why a service cannot give a ticket now (null when it can). */
export function unavailability(service) {
  if (!service) return null;
  if (service.status === 'suspended') return { code: 'service_suspended', message: service.message };
  if (service.status === 'closed') return { code: 'service_closed', message: service.message };
  if (service.capped) return { code: 'service_capped', message: service.message };
  return null;
}

export function unavailableText(reason, lang) {
  if (reason.message) return pick(reason.message, lang);
  return t(reason.code === 'service_capped' ? 'dailyCapReached' : reason.code === 'service_closed' ? 'serviceClosed' : 'serviceSuspended', lang);
}

/**
 * Takes the snapshot's `printer` ({ready}); true when readiness changed (the home
 * screen then shows or removes its printer notice).
 */
export function applyPrinter(printer) {
  if (!printer || typeof printer.ready !== 'boolean' || printer.ready === state.printerReady) return false;
  state.printerReady = printer.ready;
  return true;
}
