import type { LocalizedText } from '../queue/ticket.ts';

/**
 * Every word the hub shows a citizen, an officer or the hall, in English and Kiswahili:
 * the kiosk, the counter console and the hall board (served to the pages as
 * `/assets/strings.js`), the printed ticket and the hub's answers to the kiosk. A centre's
 * config may override any entry (`strings`, docs/queue.md "Wording"). The Kiswahili has had
 * one review (docs/queue.md, "Wording"); term choices still want a native Kenyan
 * speaker. `{name}` marks a value filled in where the text is used. Keep both languages for every key: the pages fall back to English.
 */
export const STRINGS = {
  // Kiosk: the home screen and the ticket on screen.
  welcome: { en: 'Welcome to Huduma Centre', sw: 'Karibu Huduma Centre' },
  chooseService: { en: 'Choose a service', sw: 'Chagua huduma' },
  yourTicket: { en: 'Your ticket', sw: 'Tiketi yako' },
  peopleAhead: { en: 'Ahead of you in this service', sw: 'Walio mbele yako katika huduma hii' },
  estimatedWait: { en: 'Estimated wait', sw: 'Muda wa kusubiri' },
  appointment: { en: 'I have an appointment', sw: 'Nina miadi' },
  serviceSuspended: { en: 'This service is not available right now.', sw: 'Huduma hii haipatikani kwa sasa.' },
  dailyCapReached: {
    en: "Today's tickets for this service are finished. Please book an appointment.",
    sw: 'Tiketi za huduma hii zimekwisha kwa leo. Tafadhali weka miadi, au muulize mhudumu.',
  },

  // Kiosk.
  moreServices: { en: 'More services', sw: 'Huduma zaidi' },
  backToTop: { en: 'Back to the top', sw: 'Rudi juu' },
  tapToChoose: { en: 'Touch the service you need', sw: 'Gusa huduma unayohitaji' },
  waitingNow: { en: '{n} waiting for this service', sw: 'Wanaosubiri huduma hii: {n}' },
  waitNone: { en: 'No wait', sw: 'Hakuna kusubiri' },
  // The wait quote is when the citizen is called, counting everyone called first in every
  // service the counters serve (docs/queue.md, "What the kiosk says about the wait").
  waitUpTo: { en: 'called within {high} min', sw: 'utaitwa ndani ya dakika {high}' },
  waitAbout: { en: 'called in about {low}–{high} min', sw: 'utaitwa baada ya takriban dakika {low}–{high}' },
  waitExact: { en: 'called in about {low} min', sw: 'utaitwa baada ya takriban dakika {low}' },
  waitExplained: {
    en: 'The wait counts everyone the counters will call before you, in every service they serve.',
    sw: 'Muda wa kusubiri unahesabu wote ambao kaunta zitawaita kabla yako, katika huduma zote zinazotolewa na kaunta hizo.',
  },
  waitUnknown: { en: 'Wait time not known', sw: 'Muda wa kusubiri haujulikani' },
  serviceClosed: { en: 'This service is closed now.', sw: 'Huduma hii imefungwa kwa sasa.' },
  whoIsTicketFor: { en: 'Do you need priority service?', sw: 'Je, unahitaji kuhudumiwa kwanza?' },
  priorityHint: {
    en: 'Older people, persons with disability and pregnant women are served first.',
    sw: 'Wazee, watu wenye ulemavu na wajawazito huhudumiwa kwanza.',
  },
  categoryRegular: { en: 'Regular', sw: 'Kawaida' },
  categoryRegularHint: { en: 'No priority needed', sw: 'Sihitaji kipaumbele' },
  categoryElderly: { en: 'Elderly', sw: 'Mzee' },
  categoryDisability: { en: 'Disability', sw: 'Mwenye ulemavu' },
  categoryPregnancy: { en: 'Pregnant', sw: 'Mjamzito' },
  categoryAppointment: { en: 'Appointment', sw: 'Miadi' },
  back: { en: 'Back', sw: 'Rudi' },
  pleaseWait: { en: 'Please wait…', sw: 'Tafadhali subiri…' },
  printingTicket: { en: 'Printing your ticket…', sw: 'Tunachapisha tiketi yako…' },
  waitForNumber: {
    en: 'Please take a seat and wait for your number to be called on the big screen.',
    sw: 'Tafadhali keti na usubiri namba yako iitwe kwenye skrini kubwa.',
  },
  takePrintedTicket: { en: 'Take your printed ticket below.', sw: 'Chukua tiketi yako iliyochapishwa hapa chini.' },
  done: { en: 'Done', sw: 'Sawa' },
  ok: { en: 'OK', sw: 'Sawa' },
  priorityTicket: { en: 'Priority', sw: 'Kipaumbele' },
  enterReference: { en: 'Type your booking reference', sw: 'Andika namba ya miadi yako' },
  referenceHint: {
    en: 'You find it in your booking SMS or e-mail (4 to 32 letters or digits).',
    sw: 'Utaipata kwenye ujumbe wa SMS au barua pepe ya miadi (herufi au tarakimu 4 hadi 32).',
  },
  checkIn: { en: 'Check in', sw: 'Thibitisha' },
  clear: { en: 'Clear', sw: 'Futa yote' },
  deleteKey: { en: 'Delete', sw: 'Futa' },
  notProvisionedTitle: { en: 'This kiosk is not set up yet', sw: 'Mashine hii bado haiko tayari kutumika' },
  notProvisionedBody: {
    en: 'Please ask the staff for help. Tickets cannot be issued here yet.',
    sw: 'Tafadhali omba msaada kwa mhudumu. Tiketi haziwezi kutolewa hapa bado.',
  },
  notProvisionedTech: {
    en: 'Technician: open /kiosk#token=KIOSK_TOKEN on this screen once (a token from "huduma-hub token create --role kiosk").',
    sw: 'Fundi: fungua /kiosk#token=KIOSK_TOKEN kwenye skrini hii mara moja (tokeni kutoka "huduma-hub token create --role kiosk").',
  },
  tokenRefused: {
    en: 'The hub refused this kiosk\'s token. Technician: provision it again.',
    sw: 'Hub imekataa tokeni ya mashine hii. Fundi: iweke tena.',
  },
  hubUnreachable: {
    en: 'Connecting to the queue system…',
    sw: 'Inaunganisha na mfumo wa foleni…',
  },
  reconnecting: { en: 'Reconnecting…', sw: 'Inaunganisha upya…' },
  noServices: { en: 'No services are listed yet.', sw: 'Bado hakuna huduma zilizoorodheshwa.' },
  printerOut: {
    en: 'The ticket printer is not working. Please ask the staff for help.',
    sw: 'Printa ya tiketi haifanyi kazi. Tafadhali omba msaada kwa wahudumu.',
  },

  // Kiosk errors by code (used when the API gives no `messages`).
  err_printer_unavailable: {
    en: 'The ticket printer is not working. Please ask the staff.',
    sw: 'Printa ya tiketi haifanyi kazi. Tafadhali muulize mhudumu.',
  },
  err_service_suspended: { en: 'This service is not available right now.', sw: 'Huduma hii haipatikani kwa sasa.' },
  err_service_closed: { en: 'This service is closed now.', sw: 'Huduma hii imefungwa kwa sasa.' },
  err_service_capped: {
    en: "Today's tickets for this service are finished. Please book an appointment.",
    sw: 'Tiketi za huduma hii zimekwisha kwa leo. Tafadhali weka miadi, au muulize mhudumu.',
  },
  err_unknown_service: {
    en: 'This service is no longer offered here. Please choose another or ask the staff.',
    sw: 'Huduma hii haitolewi tena hapa. Tafadhali chagua nyingine au muulize mhudumu.',
  },
  err_unknown_appointment: {
    en: 'We could not find this booking reference. Please check it and try again.',
    sw: 'Hatukupata namba hii ya miadi. Tafadhali iangalie na ujaribu tena.',
  },
  err_appointment_used: {
    en: 'This booking has already been confirmed. Please wait for your number to be called on the big screen.',
    sw: 'Miadi hii tayari imethibitishwa. Tafadhali subiri namba yako iitwe kwenye skrini kubwa.',
  },
  err_appointment_too_early: {
    en: 'It is too early to check in for this booking. Please come back closer to your time.',
    sw: 'Bado ni mapema mno kuthibitisha miadi hii. Tafadhali rudi karibu na muda wako.',
  },
  err_appointment_expired: {
    en: 'The time of this booking has passed. Please take a regular ticket.',
    sw: 'Muda wa miadi hii umepita. Tafadhali chukua tiketi ya kawaida.',
  },
  err_network: {
    en: 'The queue system is not answering. Please try again or ask the staff.',
    sw: 'Mfumo wa foleni haujibu. Tafadhali jaribu tena au muulize mhudumu.',
  },
  err_unknown: {
    en: 'Something went wrong. Please try again or ask the staff.',
    sw: 'Kuna tatizo. Tafadhali jaribu tena au muulize mhudumu.',
  },

  // Hall board.
  recentCalls: { en: 'Recent calls', sw: 'Walioitwa hivi karibuni' },
  boardFooter: {
    en: 'Please wait for your number and go to the counter shown.',
    sw: 'Tafadhali subiri namba yako na uende kwenye kaunta iliyoonyeshwa.',
  },
  /** Spoken by the board (`?speak=1`): `{number}` as the board says it, `{counter}` the counter's label. */
  spokenCall: { en: 'Ticket {number}, please go to counter {counter}.', sw: 'Tiketi namba {number}, tafadhali nenda kaunta namba {counter}.' },
  nowServing: { en: 'Now serving', sw: 'Sasa tunahudumia' },
  ticketWord: { en: 'Ticket', sw: 'Tiketi' },
  counterWord: { en: 'Counter', sw: 'Kaunta' },
  counterN: { en: 'Counter {n}', sw: 'Kaunta {n}' },
  waitingPerService: { en: 'Waiting', sw: 'Wanaosubiri' },
  noCallsYet: { en: 'No numbers called yet', sw: 'Bado hakuna namba iliyoitwa' },
  enableSound: { en: 'Press OK / Enter or click to turn on the call sound', sw: 'Bonyeza OK / Enter au bofya kuwasha sauti ya kuita' },
  enableSoundButton: { en: 'Turn on sound', sw: 'Washa sauti' },
  recallMark: { en: 'again', sw: 'tena' },
  serviceShortClosed: { en: 'closed', sw: 'imefungwa' },
  serviceShortSuspended: { en: 'not available', sw: 'haipatikani' },

  // Counter console.
  consoleTitle: { en: 'Counter console', sw: 'Dashibodi ya kaunta' },
  loginTitle: { en: 'Officer sign-in', sw: 'Kuingia kwa afisa' },
  chooseCounter: { en: 'Counter', sw: 'Kaunta' },
  officerId: { en: 'Officer ID', sw: 'Namba ya afisa' },
  pin: { en: 'PIN', sw: 'PIN' },
  signIn: { en: 'Sign in', sw: 'Ingia' },
  signOut: { en: 'Sign out', sw: 'Toka' },
  countersUnavailable: {
    en: 'The counter list could not be loaded. Type the counter id instead.',
    sw: 'Orodha ya kaunta haikupatikana. Andika namba ya kaunta.',
  },
  retry: { en: 'Try again', sw: 'Jaribu tena' },
  currentTicket: { en: 'Current ticket', sw: 'Tiketi ya sasa' },
  noCurrentTicket: { en: 'No ticket at this counter. Press Next to call the next citizen.', sw: 'Hakuna tiketi kwenye kaunta hii. Bonyeza Inayofuata kumwita anayefuata.' },
  calls: { en: 'Calls', sw: 'Miito' },
  status_waiting: { en: 'Waiting', sw: 'Anasubiri' },
  status_called: { en: 'Called', sw: 'Ameitwa' },
  status_serving: { en: 'Being served', sw: 'Anahudumiwa' },
  status_finished: { en: 'Finished', sw: 'Amemaliza' },
  status_no_show: { en: 'No-show', sw: 'Hakufika' },
  counterState_open: { en: 'Open', sw: 'Wazi' },
  counterState_paused: { en: 'Paused', sw: 'Imesimamishwa' },
  counterState_closed: { en: 'Closed', sw: 'Imefungwa' },
  btnNext: { en: 'Next', sw: 'Inayofuata' },
  btnRecall: { en: 'Recall', sw: 'Ita tena' },
  btnStart: { en: 'Start', sw: 'Anza' },
  btnFinish: { en: 'Finish', sw: 'Maliza' },
  btnNoShow: { en: 'No-show', sw: 'Hakufika' },
  btnTransfer: { en: 'Transfer', sw: 'Hamisha' },
  btnPause: { en: 'Pause', sw: 'Simamisha' },
  btnResume: { en: 'Open / Resume', sw: 'Fungua / Endelea' },
  btnClose: { en: 'Close counter', sw: 'Funga kaunta' },
  cancel: { en: 'Cancel', sw: 'Ghairi' },
  transferTo: { en: 'Transfer the ticket to', sw: 'Hamisha tiketi kwenda' },
  transferReason: { en: 'Reason (optional)', sw: 'Sababu (si lazima)' },
  pauseReason: { en: 'Reason for the pause', sw: 'Sababu ya kusimamisha' },
  pauseBreak: { en: 'Break', sw: 'Mapumziko' },
  pauseLunch: { en: 'Lunch', sw: 'Chakula cha mchana' },
  pauseSystemDown: { en: 'Agency system down', sw: 'Mfumo wa idara haufanyi kazi' },
  pauseMeeting: { en: 'Supervisor / meeting', sw: 'Msimamizi / kikao' },
  waitingForCounter: { en: 'Waiting for this counter', sw: 'Wanaosubiri kaunta hii' },
  nothingWaiting: { en: 'Nobody is waiting for this counter.', sw: 'Hakuna anayesubiri kaunta hii.' },
  called: { en: 'Called {n}.', sw: 'Umeita {n}.' },
  sessionEnded: { en: 'Your session has ended. Please sign in again.', sw: 'Muda wa kuingia umeisha. Tafadhali ingia tena.' },
  shortcutsHint: { en: 'Keys: N = Next, R = Recall', sw: 'Vitufe: N = Inayofuata, R = Ita tena' },
  waitedFor: { en: 'issued {time}', sw: 'ilitolewa {time}' },
  err_invalid_pin: { en: 'Wrong officer ID or PIN.', sw: 'Namba ya afisa au PIN si sahihi.' },
  err_too_many_attempts: { en: 'Too many wrong sign-ins from this computer. Wait a while or ask a supervisor.', sw: 'Majaribio mengi mno yasiyo sahihi kutoka kompyuta hii. Subiri kidogo au muulize msimamizi.' },
  err_counter_taken: { en: 'Another officer is signed in at this counter. They must sign out first, or a supervisor can release the counter.', sw: 'Afisa mwingine ameingia kwenye kaunta hii. Lazima atoke kwanza, au msimamizi anaweza kuiachilia kaunta.' },
  err_login_locked: { en: 'Too many wrong PINs. Sign-in is locked for a while; ask a supervisor.', sw: 'Umekosea PIN mara nyingi mno. Kuingia kumefungwa kwa muda; muulize msimamizi.' },
  err_counter_not_open: { en: 'The counter is not open. Press Open / Resume first.', sw: 'Kaunta haiko wazi. Bonyeza Fungua / Endelea kwanza.' },
  err_counter_busy: { en: 'This counter already has a ticket. Finish it first.', sw: 'Kaunta hii tayari ina tiketi. Imalize kwanza.' },
  err_no_current_ticket: { en: 'There is no current ticket at this counter.', sw: 'Hakuna tiketi ya sasa kwenye kaunta hii.' },
  err_recall_limit: { en: 'This ticket cannot be recalled again. Mark it as a no-show.', sw: 'Tiketi hii haiwezi kuitwa tena. Iweke kama hakufika.' },
  err_not_enough_calls: { en: 'Call the ticket again before marking a no-show.', sw: 'Ita tiketi tena kabla ya kuiweka kama hakufika.' },
  err_same_service: { en: 'The ticket is already in that service.', sw: 'Tiketi tayari iko kwenye huduma hiyo.' },
  err_unknown_counter: { en: 'Unknown counter.', sw: 'Kaunta haijulikani.' },
  err_unauthorized: { en: 'Not signed in, or the session has ended.', sw: 'Hujaingia, au muda wa kuingia umeisha.' },

  // The printed ticket: `Label: value` in English, then in Kiswahili, each on its own
  // line of at most 42 characters (hardware/escpos/ticket-bytes.ts lays it out).
  ticketPeopleAhead: { en: 'Ahead of you in this service', sw: 'Walio mbele yako katika huduma hii' },
  ticketEstimatedWait: { en: 'Estimated wait', sw: 'Muda wa kusubiri' },
  ticketWaitNote: { en: '(counts everyone called before you)', sw: '(inahesabu wote watakaoitwa kabla yako)' },
  ticketIssued: { en: 'Issued', sw: 'Imetolewa' },
  /** On a ticket printed again after its first print failed. */
  ticketReprint: { en: 'REPRINT', sw: 'NAKALA' },

  // The hub's answers to the kiosk (`messages` of POST /api/tickets).
  ticketNotPrinted: {
    en: 'Your ticket could not be printed. Please remember your number; staff will give you a printed ticket.',
    sw: 'Tiketi yako haikuchapishwa. Tafadhali kumbuka namba yako; wahudumu watakupa tiketi iliyochapishwa.',
  },

} as const satisfies Record<string, LocalizedText>;

export type StringKey = keyof typeof STRINGS;
