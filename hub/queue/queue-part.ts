import type { Database } from 'better-sqlite3';
import { OfficerPins } from '../auth/officer-pins.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { HubConfig } from '../config/schema.ts';
import type { EventBus } from '../event-bus.ts';
import type { Logger } from '../logger.ts';
import { createTicketPrinter } from '../peripherals/printer-factory.ts';
import { PrintSpooler } from '../peripherals/print-spooler.ts';
import { canPrint, type TicketPrinter } from '../peripherals/ticket-printer.ts';
import type { StoreWriter } from '../store/writer/store-writer.ts';
import type { QueueRules } from './engine/queue-engine.ts';
import { QueueReader } from './engine/queue-reader.ts';
import { QueueService } from './queue-service.ts';

/** What the writer thread's queue engine needs of the config (structured-cloned into it). */
export function queueRulesOf(config: HubConfig): QueueRules {
  return { services: config.services, counters: config.counters, queue: config.queue };
}

export interface QueueHealth {
  day: string;
  waiting: number;
  servicesOpen: number;
  servicesSuspended: number;
  countersOpen: number;
  printer: { kind: string; state: string; pendingPrints: number };
}

/** The queue's parts on the main thread: the service the API calls, the printer and its spooler, officer PINs. */
export class QueuePart {
  readonly service: QueueService;
  readonly printer: TicketPrinter;
  readonly spooler: PrintSpooler;
  readonly officers: OfficerPins;

  constructor(options: { config: HubConfig; db: Database; writer: StoreWriter; clock: Clock; bus: EventBus; log: Logger }) {
    const { config, db, clock, log } = options;
    const reader = new QueueReader(db, queueRulesOf(config));
    this.service = new QueueService({
      writer: options.writer,
      reader,
      timeZone: config.centre.timezone,
      clock,
      bus: options.bus,
      log,
      centre: { id: config.centre.id, names: config.centre.name },
      recentCalls: config.queue.recentCalls,
      rules: { maxRecalls: config.queue.maxRecalls, noShowAfterCalls: config.queue.noShowAfterCalls },
      printerReady: () => canPrint(this.printer.state()),
    });
    this.printer = createTicketPrinter(config.printer, clock, log.child({ part: 'printer' }));
    this.spooler = new PrintSpooler({
      printer: this.printer,
      queue: this.service,
      config,
      log,
      recordStatus: async (data) => void (await options.writer.write({ kind: 'event', event: { type: 'printer.status', data }, atMs: clock.now() })),
    });
    this.officers = new OfficerPins(db, clock, { maxFailures: config.http.login.officerMaxFailures, lockoutMs: config.http.login.officerLockoutMs });
  }

  /** Opens the printer's line, prints what is pending (a crash or an outage before) and follows the printer's state. */
  async start(): Promise<void> {
    await this.printer.start?.();
    this.spooler.start();
  }

  async stop(): Promise<void> {
    await this.spooler.stop();
    await this.printer.close();
  }

  /** Counts only: /health and /metrics are polled often, and the wait quotes are not needed here. */
  health(): QueueHealth {
    const time = this.service.now();
    const services = this.service.reader.services(time, { quotes: false });
    return {
      day: time.day,
      waiting: services.reduce((sum, s) => sum + s.waiting, 0),
      servicesOpen: services.filter((s) => s.status === 'open').length,
      servicesSuspended: services.filter((s) => s.status === 'suspended').length,
      countersOpen: this.service.reader.counters().filter((c) => c.state === 'open').length,
      printer: { kind: this.printer.kind, state: this.printer.state(), pendingPrints: this.service.reader.pendingPrintCount() },
    };
  }
}
