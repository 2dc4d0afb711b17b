import { canPrint } from '../../protocol/events/peripherals.ts';
import type { QueueSnapshot } from '../../protocol/queue/api.ts';
import type { LocalizedText } from '../../protocol/queue/ticket.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { EventBus } from '../event-bus.ts';
import type { Logger } from '../logger.ts';
import type { StoreWriter } from '../store/writer/store-writer.ts';
import { announceChange } from './call-announcements.ts';
import type { QueueCommand, QueueResult, QueueTime } from './commands.ts';
import type { QueueReader } from './engine/queue-reader.ts';
import { LocalCalendar } from './local-time.ts';
import type { CallSigns, TicketPrinter } from './ports.ts';

/** A queue command the store could not take (writer restarting, disk full): nothing changed. */
export class QueueUnavailableError extends Error {
  readonly code = 'queue_unavailable';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueueUnavailableError';
  }
}

/**
 * The queue on the main thread: stamps each command with the centre's local time,
 * hands it to the engine in the writer thread (where it commits with its events), and
 * after the commit tells the pages and the call signs. Reads come from the read
 * connection.
 */
export class QueueService {
  readonly #writer: StoreWriter;
  readonly #reader: QueueReader;
  readonly #calendar: LocalCalendar;
  readonly #clock: Clock;
  readonly #bus: EventBus;
  readonly #log: Logger;
  readonly #centre: QueueSnapshot['centre'];
  #recentCalls: number;
  #rules: QueueSnapshot['rules'];
  readonly #printer: Pick<TicketPrinter, 'state'>;
  readonly #signs: CallSigns;

  constructor(options: {
    writer: StoreWriter;
    reader: QueueReader;
    timeZone: string;
    clock: Clock;
    bus: EventBus;
    log: Logger;
    centre: { id: string; names: LocalizedText };
    recentCalls: number;
    rules: QueueSnapshot['rules'];
    /** Only its state: the snapshot says whether the kiosk can print now. */
    printer: Pick<TicketPrinter, 'state'>;
    signs: CallSigns;
  }) {
    this.#writer = options.writer;
    this.#reader = options.reader;
    this.#calendar = new LocalCalendar(options.timeZone);
    this.#clock = options.clock;
    this.#bus = options.bus;
    this.#log = options.log;
    this.#centre = { ...options.centre, timeZone: options.timeZone };
    this.#recentCalls = options.recentCalls;
    this.#rules = options.rules;
    this.#printer = options.printer;
    this.#signs = options.signs;
  }

  get reader(): QueueReader {
    return this.#reader;
  }

  now(): QueueTime {
    return this.#calendar.at(this.#clock.now());
  }

  async run(command: QueueCommand): Promise<QueueResult> {
    let result;
    try {
      result = await this.#writer.write({ kind: 'queue', command, time: this.now() });
    } catch (error) {
      throw new QueueUnavailableError(`the queue could not be updated: ${(error as Error).message}`, { cause: error });
    }
    if (!result.queue) throw new QueueUnavailableError('the queue could not be updated: no answer from the store');
    const answer = result.queue;
    // Print bookkeeping changes nothing a page, a sign or the outbox shows: no snapshot for it.
    if (answer.ok && command.kind !== 'print_done' && command.kind !== 'print_failed') {
      this.#log.debug({ command: command.kind, ticket: answer.ticket?.id }, 'queue changed');
      this.#bus.emit('queue.changed', { kind: command.kind, ticket: answer.ticket, counterId: 'counterId' in command ? command.counterId : null });
      announceChange(this.#signs, command, answer.ticket);
    }
    return answer;
  }

  /** A live config change (docs/live-config.md): the snapshot's rules and list length follow it. */
  followRules(queue: { recentCalls: number; maxRecalls: number; noShowAfterCalls: number }): void {
    this.#recentCalls = queue.recentCalls;
    this.#rules = { maxRecalls: queue.maxRecalls, noShowAfterCalls: queue.noShowAfterCalls };
    // Pages get a new snapshot: a new counter appears on the consoles' lists, a removed service leaves the kiosk.
    this.#bus.emit('queue.changed', { kind: 'config', ticket: null, counterId: null });
  }

  /** The printer changed state: pages get a new snapshot (the kiosk shows or clears its notice). */
  printerChanged(): void {
    this.#bus.emit('queue.changed', { kind: 'printer', ticket: null, counterId: null });
  }

  snapshot(): QueueSnapshot {
    const time = this.now();
    return {
      centre: this.#centre,
      services: this.#reader.services(time),
      counters: this.#reader.counters(),
      recentCalls: this.#reader.recentCalls(this.#recentCalls),
      rules: this.#rules,
      printer: { ready: canPrint(this.#printer.state()) },
      at: new Date(time.atMs).toISOString(),
    };
  }
}
