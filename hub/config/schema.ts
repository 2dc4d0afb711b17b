import { z } from 'zod';
import { Id } from '../../protocol/ids.ts';

export const DEFAULT_MQTT_PORT = 1883;
export const DEFAULT_HTTP_PORT = 8080;

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

/**
 * Services: the fields the hub relies on are typed; the rest (opening hours, target
 * wait …) belongs to the queue engine and is kept as given.
 */
const ServiceSection = z.looseObject({
  id: Id,
  prefix: z.string().regex(/^[A-Z]{1,2}$/, 'must be one or two capital letters'),
  agency: z.string().min(1),
  icon: z.string().min(1),
  names: LocalizedText,
  dailyCap: z.int().min(1).optional(),
  meanServiceMin: z.number().positive().optional(),
});

const CounterSection = z.strictObject({
  id: Id,
  label: z.string().min(1).max(64),
  serviceIds: z.array(Id).min(1),
  /** Overrides feedback.lockoutMs for this counter's device. */
  lockoutMs: z.int().min(0).max(60_000).optional(),
});

const MqttSection = z.strictObject({
  host: Host.default('0.0.0.0'),
  port: Port.default(DEFAULT_MQTT_PORT),
  /**
   * Whole MQTT packets above this are refused at the socket (the connection is
   * closed): aedes 1.2 sets no packet-size limit of its own.
   */
  maxPacketBytes: z.int().min(1024).max(16 * 1024 * 1024).default(64 * 1024),
});

const HttpSection = z.strictObject({
  host: Host.default('0.0.0.0'),
  port: Port.default(DEFAULT_HTTP_PORT),
});

const FeedbackSection = z.strictObject({
  /** Per-vote lock-out (2–3 s by design); repeats inside it are stored flagged `misuse`. */
  lockoutMs: z.int().min(0).max(60_000).default(2500),
  /** Sent to devices in their config; the bridge debounces (40–50 ms stable). */
  debounceMs: z.int().min(1).max(1000).default(45),
  /** Presses one device may store per minute of press time; beyond it they are counted, not stored. */
  pressBudgetPerMinute: z.int().min(1).max(6000).default(30),
  /** A press payload above this is acknowledged, quarantined and counted as rejected. */
  maxPressBytes: z.int().min(128).max(65536).default(1024),
  telemetryIntervalMs: z.int().min(1000).default(60_000),
});

const PrinterSection = z.strictObject({
  /** `emulator` for the built-in emulator, else a serial device path. */
  path: z.string().min(1).default('emulator'),
  baudRate: z.int().positive().default(19200),
});

const SecretariatSection = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).optional(),
  secret: z.string().min(16).optional(),
});

/**
 * The hub's config file. A centre description (the sample centre file is one) plus
 * the hub's own settings, every one with a default. Unknown keys are errors so a typo
 * is caught at start; keys starting with `_` are comments, dropped before validation
 * (see load.ts).
 */
export const HubConfigSchema = z
  .strictObject({
    centre: CentreSection,
    services: z.array(ServiceSection).min(1),
    counters: z.array(CounterSection).min(1),
    strings: z.record(z.string(), z.unknown()).optional(),
    simulatedDay: z.record(z.string(), z.unknown()).optional(),
    dataDir: z.string().min(1).default('data/hub'),
    mqtt: MqttSection.prefault({}),
    http: HttpSection.prefault({}),
    feedback: FeedbackSection.prefault({}),
    printer: PrinterSection.prefault({}),
    secretariat: SecretariatSection.prefault({}),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((config, ctx) => {
    const serviceIds = new Set<string>();
    const prefixes = new Map<string, string>();
    config.services.forEach((service, i) => {
      if (serviceIds.has(service.id)) ctx.addIssue({ code: 'custom', path: ['services', i, 'id'], message: `duplicate service id "${service.id}"` });
      serviceIds.add(service.id);
      const other = prefixes.get(service.prefix);
      if (other) ctx.addIssue({ code: 'custom', path: ['services', i, 'prefix'], message: `prefix "${service.prefix}" is already used by service "${other}"` });
      prefixes.set(service.prefix, service.id);
    });
    const counterIds = new Set<string>();
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
