import { z } from 'zod';
import { Id } from '../../protocol/ids.ts';
import { StringsOverride } from '../../protocol/wording/overrides.ts';
import { HttpSection } from './http-section.ts';

export { DEFAULT_HTTP_PORT } from './http-section.ts';
export const DEFAULT_MQTT_PORT = 1883;

const Port = z.int().min(0).max(65535);
const Host = z.string().min(1);
const LocalizedText = z.object({ en: z.string().min(1), sw: z.string().min(1) });

const Timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA timezone such as "Africa/Nairobi"');

const CentreSection = z.strictObject({
  id: Id,
  name: LocalizedText,
  timezone: Timezone.default('Africa/Nairobi'),
});

/** `HH:MM` local time, 00:00–24:00. */
const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM, e.g. "08:00" (24:00 = end of day)');
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** When the kiosk issues tickets for a service: these days, from `open` to `close` local time. */
const OpeningHours = z
  .strictObject({
    days: z.array(z.enum(WEEKDAYS)).min(1).default([...WEEKDAYS]),
    open: ClockTime.default('00:00'),
    close: ClockTime.default('24:00'),
  })
  .refine((hours) => hours.open < hours.close, { message: 'open must be before close (HH:MM, same day)', path: ['close'] });

const ServiceSection = z.strictObject({
  id: Id,
  // O and I read as the digits 0 and 1 on a ticket and a hall board ("O001" as "0001"): docs/queue.md.
  prefix: z
    .string()
    .regex(/^[A-Z]{1,2}$/, 'must be one or two capital letters')
    .refine((prefix) => !/[OI]/.test(prefix), { message: 'must not use the letters O or I, which read as the digits 0 and 1 on a ticket ("O001" as "0001"); choose another letter (J, U, V, W, X and Y are often free)' }),
  agency: z.string().min(1),
  icon: z.string().min(1),
  names: LocalizedText,
  /** Tickets per local day; the kiosk says "no more tickets today" beyond it. */
  dailyCap: z.int().min(1).optional(),
  /** The first estimate of one service's length, until real service times are measured. */
  meanServiceMin: z.number().positive().default(5),
  /** The wait this service aims at (Huduma Charter); shown to managers against the real one. */
  targetWaitMin: z.int().min(1).optional(),
  /** Absent: open at all hours (the sample centre). */
  openingHours: OpeningHours.optional(),
  /** Suspended from the start, with the kiosk's message (e.g. agency system down). */
  suspended: z.strictObject({ message: LocalizedText }).optional(),
});

const CounterSection = z.strictObject({
  id: Id,
  label: z.string().min(1).max(64),
  serviceIds: z.array(Id).min(1),
  /** Overrides feedback.lockoutMs for this counter's device. */
  lockoutMs: z.int().min(0).max(60_000).optional(),
});

const QueueSection = z.strictObject({
  /**
   * When priority tickets (elderly, disability, pregnancy) and walk-ins both wait, a
   * counter calls at most this many priority tickets in a row before one walk-in, so
   * neither line starves.
   */
  priorityRun: z.int().min(1).max(20).default(2),
  /** Recalls of one ticket after its first call; beyond it, the officer marks a no-show. */
  maxRecalls: z.int().min(0).max(10).default(2),
  /** Calls (first call and recalls) before a ticket may be marked a no-show. */
  noShowAfterCalls: z.int().min(1).max(10).default(2),
  /** An appointment goes ahead of walk-ins from its booked time; checked in this late or later it queues as a walk-in. */
  appointmentLateMin: z.int().min(0).max(240).default(30),
  /** Check-in opens this long before the booked time (earlier, the kiosk asks the citizen to come back). */
  appointmentEarlyMin: z.int().min(0).max(480).default(120),
  /** A press this long after a ticket finished at the counter still rates that ticket. */
  feedbackGraceS: z.int().min(0).max(600).default(120),
  /** Smoothing of the measured service time per service (weight of the newest). */
  serviceTimeAlpha: z.number().gt(0).max(1).default(0.2),
  /** Calls the hall board lists. */
  recentCalls: z.int().min(1).max(50).default(8),
  /** An officer session from a PIN login lasts this long. */
  officerSessionHours: z.number().positive().max(24).default(12),
});

const MqttSection = z.strictObject({
  host: Host.default('0.0.0.0'),
  port: Port.default(DEFAULT_MQTT_PORT),
  /**
   * Whole MQTT packets above this are refused at the socket (the connection is
   * closed): aedes 1.2 sets no packet-size limit of its own.
   */
  maxPacketBytes: z.int().min(1024).max(16 * 1024 * 1024).default(64 * 1024),
  /**
   * Open connections in all, and from one address; beyond them a new socket is closed
   * before it is read (docs/security.md, "MQTT"). A centre has at most a few hundred
   * devices, a counter host a handful.
   */
  maxConnections: z.int().min(1).max(100_000).default(1024),
  maxConnectionsPerAddress: z.int().min(1).max(100_000).default(64),
  /**
   * Advertise the broker on the LAN by mDNS as `_huduma-hub._tcp` (docs/provisioning.md),
   * so a bridge started without --hub finds it. Off where multicast is unwanted.
   */
  advertise: z.boolean().default(true),
});

/** TLS on the centre LAN (docs/security.md, "TLS"): MQTT over TLS and the pages over HTTPS. */
const TlsSection = z.strictObject({
  /** Listen for MQTT over TLS and HTTPS with the centre certificate in DATA_DIR/tls (made at first start when `tls init` was not run). */
  enabled: z.boolean().default(false),
  mqttPort: Port.default(8883),
  httpsPort: Port.default(8443),
  /**
   * Keep plaintext MQTT and HTTP as well: for the demo and while counter hosts move to
   * TLS. When false, plaintext MQTT is not served at all and plaintext HTTP serves
   * /health and /metrics only, redirecting everything else to HTTPS.
   */
  allowPlaintext: z.boolean().default(true),
});

/**
 * Service standards the alert engine checks live (docs/alerts.md): centre defaults, and
 * per service (by id) the ones that differ. An alert fires above a standard and clears
 * at or below it minus the hysteresis, so a queue at the limit does not flap.
 */
const StandardsSection = z.strictObject({
  /** `queue_too_long`: more tickets waiting for one service than this. */
  maxQueueLength: z.int().min(1).max(10_000).default(40),
  /** `queue_too_long` clears at or below maxQueueLength minus this. */
  queueHysteresis: z.int().min(0).max(1000).default(5),
  /** `wait_over_target`: the longest-waiting ticket of a service has waited more minutes than this. */
  targetWaitMin: z.number().min(1).max(24 * 60).default(20),
  /** `wait_over_target` clears at or below targetWaitMin minus this many minutes. */
  waitClearMarginMin: z.number().min(0).max(24 * 60).default(5),
  /** How often the standards are checked with no queue change (waits grow by themselves). */
  checkIntervalMs: z.int().min(1000).max(3_600_000).default(60_000),
  services: z.record(z.string(), z.strictObject({ maxQueueLength: z.int().min(1).max(10_000).optional(), targetWaitMin: z.number().min(1).max(24 * 60).optional() })).default({}),
});

const FeedbackSection = z.strictObject({
  /** Per-vote lock-out (2–3 s by design); repeats inside it are stored flagged `misuse`. */
  lockoutMs: z.int().min(0).max(60_000).default(2500),
  /** Sent to devices in their config; the bridge debounces (40–50 ms stable). */
  debounceMs: z.int().min(1).max(1000).default(45),
  /** Presses one device may store per minute of press time; beyond it they are counted, not stored. */
  pressBudgetPerMinute: z.int().min(1).max(6000).default(30),
  /**
   * Presses the hub cannot date (no sentUpMs, on a boot it never saw start) are budgeted
   * on the hub's clock: this many at once, then unanchoredPressesPerMinute (docs/security.md,
   * "Device clocks"). A third-party device without sentUpMs presses at a citizen's pace.
   */
  unanchoredPressBurst: z.int().min(1).max(100_000).default(10),
  unanchoredPressesPerMinute: z.number().positive().max(6000).default(6),
  /** A press payload above this is acknowledged, quarantined and counted as rejected. */
  maxPressBytes: z.int().min(128).max(65536).default(1024),
  telemetryIntervalMs: z.int().min(1000).default(60_000),
});

const PrinterSection = z.strictObject({
  /** `emulator` for the built-in emulator, else the ESC/POS printer's serial device path. */
  path: z.string().min(1).default('emulator'),
  baudRate: z.int().positive().default(19200),
  /** Each DLE EOT status reply must come within this (docs/protocols/escpos.md §6: 300–500 ms); none = offline. */
  statusTimeoutMs: z.int().min(50).max(5000).default(500),
  /** The GS r barrier after the cut must come within this, or the ticket counts as not printed (docs/protocols/escpos.md §6: 3–5 s). */
  confirmTimeoutMs: z.int().min(500).max(30_000).default(5000),
  /** Whether the printer has a paper near-end sensor; without one its bits are ignored. */
  nearEndSensor: z.boolean().default(true),
});

/** Alpha protocol LED hall board on RS-485 (docs/protocols/alpha-sign.md). */
const HallBoardSection = z.strictObject({
  id: Id,
  /** Serial device path of the RS-485 adapter. */
  path: z.string().min(1),
  /** The sign's address: two hex digits, "00" = every sign on the line. */
  address: z.string().regex(/^[0-9A-F]{2}$/, 'must be two upper-case hex digits, e.g. "01" ("00" = broadcast)').default('01'),
  baudRate: z.int().positive().default(9600),
  /** The sign answers ACK/NAK (enabled on the sign): a missing answer marks it unhealthy. */
  ack: z.boolean().default(false),
});

/** Epson DM-D style 2x20 display above a counter (docs/protocols/dm-d.md). */
const CounterDisplaySection = z.strictObject({
  counterId: Id,
  path: z.string().min(1),
  baudRate: z.int().positive().default(9600),
});

const DisplaysSection = z.strictObject({
  hallBoards: z.array(HallBoardSection).default([]),
  counterDisplays: z.array(CounterDisplaySection).default([]),
  /** A board that stopped answering is tried again this often. */
  retryMs: z.int().min(100).default(5000),
});

const SyncBackoffSection = z.strictObject({
  /** First wait after a failed exchange; doubles per consecutive failure, with jitter. */
  initialMs: z.int().min(10).default(1000),
  /** Longest wait between attempts: the link is tried at least this often, forever. */
  maxMs: z.int().min(100).default(300_000),
  /** Never retry sooner than this after a failure, so a flapping WAN cannot make a storm. */
  holdDownMs: z.int().min(0).default(5000),
});

const SecretariatSection = z
  .strictObject({
    url: z.url({ protocol: /^https?$/ }).optional(),
    /** The secret `huduma-secretariat centre add` printed for this centre; signs every request. */
    secret: z.string().min(16).optional(),
    /** Upper bounds of one batch: events, and bytes of JSON before gzip. */
    batchMaxEvents: z.int().min(1).max(5000).default(1000),
    batchMaxBytes: z.int().min(16 * 1024).max(12 * 1024 * 1024).default(1024 * 1024),
    /** A request that has not answered by then is abandoned (a stalled WAN link). */
    requestTimeoutMs: z.int().min(100).default(30_000),
    /** Sent also when there is nothing to sync: how the NOC sees the centre is alive. */
    heartbeatIntervalMs: z.int().min(100).default(60_000),
    /** Besides waking on new events, the sender looks for unsent ones this often. */
    pollMs: z.int().min(10).default(1000),
    /** Waits this long after the first new event so a trickle goes as one batch. */
    lingerMs: z.int().min(0).default(200),
    /**
     * During a backlog drain, up to this many of the newest events ride along in each
     * batch (stored out of order at the Secretariat), so the NOC sees today while last
     * week drains. 0 turns the fresh lane off.
     */
    freshLaneEvents: z.int().min(0).max(1000).default(100),
    backoff: SyncBackoffSection.prefault({}),
  })
  .superRefine((section, ctx) => {
    if (section.url && !section.secret) {
      ctx.addIssue({ code: 'custom', path: ['secret'], message: 'required when secretariat.url is set: the secret printed by `huduma-secretariat centre add CENTRE_ID` (or --secretariat-secret)' });
    }
  });

const DiskBudgetSection = z.strictObject({
  /** Free space on the data dir's file system below which /health warns. */
  warnFreeMb: z.int().min(0).default(2048),
  /** Below this the alarm is critical (NOC, heartbeat, /health). */
  criticalFreeMb: z.int().min(0).default(512),
  /** Below this new presses are refused (not acknowledged, so devices keep them). */
  refuseFreeMb: z.int().min(0).default(64),
  /** The hub database may grow to this; warn at 70 %, critical at 90 %, refuse at 100 %. */
  maxDbMb: z.int().min(1).default(16_384),
  checkIntervalMs: z.int().min(100).default(10_000),
});

const StoreSection = z.strictObject({
  /** Events the Secretariat acknowledged, and their press rows, are kept this long before pruning. Unsynced rows are never pruned. */
  retentionDays: z.number().min(0).default(30),
  pruneIntervalMs: z.int().min(100).default(3_600_000),
  /** Rows deleted per prune step (one short writer transaction each). */
  pruneBatch: z.int().min(1).max(100_000).default(5000),
  disk: DiskBudgetSection.prefault({}),
});

/**
 * The hub's config file. A centre description (the sample centre file is one) plus
 * the hub's own settings, every one with a default. Unknown keys are errors so a typo
 * is caught at start; keys starting with `_` are comments, dropped before validation
 * (see load.ts).
 */
/**
 * Pairing a feedback device by code (docs/provisioning.md): how long an opened code may
 * be claimed, and how many wrong codes close the window (a six-digit code survives 5
 * guesses with odds of 1 in 200 000).
 */
const PairingSection = z.strictObject({
  codeTtlMs: z.int().min(1000, 'must be at least 1000 ms').max(24 * 3_600_000, 'must be at most 24 h').default(10 * 60_000),
  maxWrongCodes: z.int().min(1, 'must be at least 1').max(20, 'must be at most 20').default(5),
});

export const HubConfigSchema = z
  .strictObject({
    centre: CentreSection,
    services: z.array(ServiceSection).min(1),
    counters: z.array(CounterSection).min(1),
    /** Wording overrides: any entry of protocol/wording/strings.ts, in both languages (docs/queue.md, "Wording"). */
    strings: StringsOverride.optional(),
    simulatedDay: z.record(z.string(), z.unknown()).optional(),
    dataDir: z.string().min(1).default('data/hub'),
    mqtt: MqttSection.prefault({}),
    http: HttpSection.prefault({}),
    tls: TlsSection.prefault({}),
    feedback: FeedbackSection.prefault({}),
    pairing: PairingSection.prefault({}),
    printer: PrinterSection.prefault({}),
    displays: DisplaysSection.prefault({}),
    secretariat: SecretariatSection.prefault({}),
    store: StoreSection.prefault({}),
    queue: QueueSection.prefault({}),
    standards: StandardsSection.prefault({}),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((config, ctx) => {
    if (config.queue.noShowAfterCalls > config.queue.maxRecalls + 1) {
      ctx.addIssue({ code: 'custom', path: ['queue', 'noShowAfterCalls'], message: `must be at most queue.maxRecalls + 1 (${config.queue.maxRecalls + 1}): a ticket is called at most that many times, so it could never be marked a no-show` });
    }
    const serviceIds = new Set<string>();
    const prefixes = new Map<string, string>();
    config.services.forEach((service, i) => {
      if (serviceIds.has(service.id)) ctx.addIssue({ code: 'custom', path: ['services', i, 'id'], message: `duplicate service id "${service.id}"` });
      serviceIds.add(service.id);
      const other = prefixes.get(service.prefix);
      if (other) ctx.addIssue({ code: 'custom', path: ['services', i, 'prefix'], message: `prefix "${service.prefix}" is already used by service "${other}"` });
      prefixes.set(service.prefix, service.id);
    });
    const counterIds = new Set<string>(config.counters.map((c) => c.id));
    config.displays.counterDisplays.forEach((display, i) => {
      if (!counterIds.has(display.counterId)) ctx.addIssue({ code: 'custom', path: ['displays', 'counterDisplays', i, 'counterId'], message: `unknown counter "${display.counterId}" (add it to counters or remove this display)` });
    });
    const boardIds = new Set<string>();
    config.displays.hallBoards.forEach((board, i) => {
      if (boardIds.has(board.id)) ctx.addIssue({ code: 'custom', path: ['displays', 'hallBoards', i, 'id'], message: `duplicate hall board id "${board.id}"` });
      boardIds.add(board.id);
    });
    counterIds.clear();
    config.counters.forEach((counter, i) => {
      if (counterIds.has(counter.id)) ctx.addIssue({ code: 'custom', path: ['counters', i, 'id'], message: `duplicate counter id "${counter.id}"` });
      counterIds.add(counter.id);
      counter.serviceIds.forEach((serviceId, j) => {
        if (!serviceIds.has(serviceId)) {
          ctx.addIssue({ code: 'custom', path: ['counters', i, 'serviceIds', j], message: `unknown service "${serviceId}" (add it to services or remove it here)` });
        }
      });
    });
  });

export type HubConfigInput = z.input<typeof HubConfigSchema>;
export type HubConfig = z.output<typeof HubConfigSchema>;
export type CounterConfig = HubConfig['counters'][number];
export type ServiceConfig = HubConfig['services'][number];
export type QueueConfig = HubConfig['queue'];
export type DisplaysConfig = HubConfig['displays'];
export type SecretariatConfig = HubConfig['secretariat'];
export type StoreConfig = HubConfig['store'];
