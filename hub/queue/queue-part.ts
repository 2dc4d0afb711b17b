import type { Database } from 'better-sqlite3';
import type { PrinterState } from '../../protocol/events/peripherals.ts';
import { OfficerPins } from '../auth/officer-pins.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { HubConfig } from '../config/schema.ts';
import type { EventBus } from '../event-bus.ts';
import type { Logger } from '../logger.ts';
import type { HubPart } from '../part.ts';
import type { StoreWriter } from '../store/writer/store-writer.ts';
import type { QueueRules } from './engine/queue-engine.ts';
import type { StrandReason } from './engine/rules-change.ts';
import { QueueReader } from './engine/queue-reader.ts';
import { IssueTicket } from './issue-ticket.ts';
import type { CallSigns, TicketPrinter } from './ports.ts';
import { PrintSpooler } from './print-spooler.ts';
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
  printer: { kind: TicketPrinter['kind']; state: PrinterState; pendingPrints: number };
}

/**
 * The queue's parts on the main thread: the service the API calls, the kiosk's "issue a
 * ticket" use case and the print jobs behind it, officer PINs. It reaches the printer
 * and the call signs only through its ports (ports.ts), whose adapters the composition
 * root hands it; their lines are the adapters' to open and close.
 */
export class QueuePart implements HubPart {
  readonly service: QueueService;
  readonly issue: IssueTicket;
  readonly officers: OfficerPins;
  readonly #printer: TicketPrinter;
  readonly #writer: StoreWriter;
  readonly #spooler: PrintSpooler;

  constructor(options: { config: HubConfig; db: Database; writer: StoreWriter; clock: Clock; bus: EventBus; log: Logger; printer: TicketPrinter; signs: CallSigns }) {
    const { config, db, clock, log, printer } = options;
    this.#printer = printer;
    this.#writer = options.writer;
    this.service = new QueueService({
      writer: options.writer,
      reader: new QueueReader(db, queueRulesOf(config)),
      timeZone: config.centre.timezone,
      clock,
      bus: options.bus,
      log,
      centre: { id: config.centre.id, names: config.centre.name },
      recentCalls: config.queue.recentCalls,
      rules: { maxRecalls: config.queue.maxRecalls, noShowAfterCalls: config.queue.noShowAfterCalls },
      printer,
      signs: options.signs,
    });
    this.#spooler = new PrintSpooler({
      printer,
      queue: this.service,
      log,
      recordStatus: async (data) => void (await options.writer.write({ kind: 'event', event: { type: 'printer.status', data }, atMs: clock.now() })),
    });
    this.issue = new IssueTicket({ printer, queue: this.service, spooler: this.#spooler });
    this.officers = new OfficerPins(db, clock, { maxFailures: config.http.login.officerMaxFailures, lockoutMs: config.http.login.officerLockoutMs });
  }

  /**
   * A live config change (docs/live-config.md): the engine swaps its rules in the writer
   * thread unless they would strand tickets (then the reasons, and nothing changed); the
   * reader and the snapshot follow only once the engine has.
   */
  async replaceRules(rules: QueueRules): Promise<StrandReason[]> {
    const { stranded } = await this.#writer.write({ kind: 'queue_rules', rules, time: this.service.now() });
    if (stranded.length > 0) return stranded;
    this.service.reader.replaceRules(rules);
    this.service.followRules(rules.queue);
    return [];
  }

  /** Prints what is pending (a crash or an outage before) and follows the printer's state. The printer's line is open by now. */
  start(): void {
    this.#spooler.start();
  }

  /** Waits for the print job in progress; the printer's line closes after this. */
  async stop(): Promise<void> {
    await this.#spooler.stop();
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
      printer: { kind: this.#printer.kind, state: this.#printer.state(), pendingPrints: this.service.reader.pendingPrintCount() },
    };
  }
}
