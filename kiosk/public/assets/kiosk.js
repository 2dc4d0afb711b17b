// The touch kiosk: choose a service, say whether priority applies, get a ticket (shown
// on screen and printed by the hub). Also appointment check-in by booking reference.
// Every API failure is shown in words; nothing here may leave the screen stuck.
//
// This entry module wires the pieces together:
//   kiosk-state.js         state, timings, what a service's status means
//   kiosk-navigation.js    current screen, idle/ticket/error timers, header, language
//   kiosk-provisioning.js  the kiosk token (#token=…) and the "not set up" screen
//   kiosk-home.js          home screen and the printer notice
//   kiosk-services.js      the service tiles and "More services"
//   kiosk-ticket.js        priority step and the ticket on screen
//   kiosk-appointment.js   booking reference on the on-screen keyboard
//   kiosk-request.js       the POST to the hub, the busy and error screens
import { allOf, setText } from './dom.js';
import { clockText, setCentreTimeZone } from './i18n.js';
import { openQueueStream } from './stream.js';
import { renderAppointment } from './kiosk-appointment.js';
import { renderHome, showPrinterState } from './kiosk-home.js';
import { go, registerScreens, renderChrome, resetToStart, setLanguage, touched } from './kiosk-navigation.js';
import { provisionFromFragment, readStoredToken, renderUnprovisioned } from './kiosk-provisioning.js';
import { renderBusy, renderError } from './kiosk-request.js';
import { applyServices, loadServicesOnce, updateMore } from './kiosk-services.js';
import { applyPrinter, state } from './kiosk-state.js';
import { renderPriority, renderTicket } from './kiosk-ticket.js';

registerScreens({ home: renderHome, priority: renderPriority, appointment: renderAppointment, busy: renderBusy, ticket: renderTicket, error: renderError, unprovisioned: renderUnprovisioned });

function start() {
  state.token = readStoredToken();
  provisionFromFragment();
  window.addEventListener('hashchange', () => {
    provisionFromFragment();
    resetToStart();
  });

  for (const button of allOf('.k-lang-btn')) {
    button.addEventListener('click', () => setLanguage(button.dataset.lang === 'sw' ? 'sw' : 'en'));
  }
  for (const type of ['pointerdown', 'keydown']) document.addEventListener(type, touched, { capture: true, passive: true });
  // A kiosk is not a browser: no long-press menus or text selection popping up.
  document.addEventListener('contextmenu', (event) => event.preventDefault());

  window.addEventListener('resize', updateMore);
  const tick = () => setText(document.getElementById('clock'), clockText());
  tick();
  setInterval(tick, 15_000);

  setLanguage('en', false);
  go(state.token ? 'home' : 'unprovisioned');
  touched();

  void loadServicesOnce();
  openQueueStream('/api/queue/stream', {
    onState(snapshot) {
      if (snapshot.centre?.names) state.centreNames = snapshot.centre.names;
      if (setCentreTimeZone(snapshot.centre?.timeZone)) tick();
      const printerChanged = applyPrinter(snapshot.printer);
      applyServices(snapshot.services);
      if (printerChanged) showPrinterState();
      renderChrome();
    },
    onStatus(status) {
      state.connection = status;
      renderChrome();
    },
  });
}

start();
