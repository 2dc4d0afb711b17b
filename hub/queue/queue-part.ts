import type { Database } from 'better-sqlite3';
import { OfficerPins } from '../auth/officer-pins.ts';
import type { Clock } from '../clock.ts';
import type { HubConfig } from '../config/schema.ts';
import type { EventBus } from '../event-bus.ts';
import type { Logger } from '../logger.ts';
import { canPrint, EmulatedTicketPrinter, UnsupportedSerialPrinter, type TicketPrinter } from '../peripherals/ticket-printer.ts';
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
  printer: { kind: string; state: string };
}

/** The queue's parts on the main thread: the service the API calls, the printer, officer PINs. */
export class QueuePart {
  readonly service: QueueService;
  readonly printer: TicketPrinter;
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
    if (config.printer.path === 'emulator') {
      this.printer = new EmulatedTicketPrinter(() => clock.now());
    } else {
      log.error({ printer: config.printer.path }, 'serial ticket printers are not supported yet: the kiosk will refuse tickets (printer_unavailable) until --printer emulator is used');
      this.printer = new UnsupportedSerialPrinter(config.printer.path);
    }
    this.officers = new OfficerPins(db, clock);
  }

  health(): QueueHealth {
    const time = this.service.now();
    const services = this.service.reader.services(time);
    return {
      day: time.day,
      waiting: services.reduce((sum, s) => sum + s.waiting, 0),
      servicesOpen: services.filter((s) => s.status === 'open').length,
      servicesSuspended: services.filter((s) => s.status === 'suspended').length,
      countersOpen: this.service.reader.counters().filter((c) => c.state === 'open').length,
      printer: { kind: this.printer.kind, state: this.printer.state() },
    };
  }
}
