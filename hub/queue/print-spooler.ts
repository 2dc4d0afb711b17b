import { canPrint, type PrinterStatusData } from '../../protocol/events/peripherals.ts';
import type { TicketView } from '../../protocol/queue/ticket.ts';
import type { Logger } from '../logger.ts';
import type { TicketPrinter } from './ports.ts';
import type { QueueService } from './queue-service.ts';

const DRAIN_BATCH = 20;

/**
 * The print jobs of issued tickets, so that no number is lost: each issued ticket has a
 * pending print job written with it (queue engine); a job becomes `printed` only when
 * the printer confirms it, and pending jobs are printed again when the printer comes
 * back (and at start, after a crash). Jobs go to the printer one at a time
 * (docs/peripherals.md).
 */
export class PrintSpooler {
  readonly #printer: TicketPrinter;
  readonly #queue: QueueService;
  readonly #log: Logger;
  readonly #recordStatus: (data: PrinterStatusData) => Promise<void>;
  readonly #inFlight = new Set<string>();
  #chain: Promise<unknown> = Promise.resolve();
  #unsubscribe: (() => void) | null = null;
  #draining: Promise<void> | null = null;
  #stopped = false;

  constructor(options: { printer: TicketPrinter; queue: QueueService; log: Logger; recordStatus: (data: PrinterStatusData) => Promise<void> }) {
    this.#printer = options.printer;
    this.#queue = options.queue;
    this.#log = options.log;
    this.#recordStatus = options.recordStatus;
  }

  start(): void {
    this.#unsubscribe = this.#printer.onStateChange((change) => {
      const level = canPrint(change.state) ? (change.state === 'paper_near_end' ? 'warn' : 'info') : 'error';
      this.#log[level]({ state: change.state, previous: change.previous, reason: change.reason }, change.state === 'paper_near_end' ? 'ticket printer paper near end: load paper soon' : `ticket printer ${change.state.replaceAll('_', ' ')}`);
      void this.#recordStatus({ state: change.state, previous: change.previous, reason: change.reason, pendingPrints: this.#queue.reader.pendingPrintCount() }).catch((error: Error) =>
        this.#log.error({ err: error }, 'could not record the printer status'),
      );
      this.#queue.printerChanged();
      if (canPrint(change.state)) void this.drain();
    });
    void this.drain();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    await this.#draining;
    await this.#chain.catch(() => undefined);
  }

  /** Prints a ticket just issued, after the jobs before it; whether the printer confirmed it. Never throws. */
  printIssued(ticket: TicketView): Promise<boolean> {
    return this.#print(ticket, false);
  }

  /** Prints the pending jobs, oldest first, until one fails (the printer is gone again). */
  drain(): Promise<void> {
    if (this.#draining) return this.#draining;
    const run = async () => {
      while (!this.#stopped) {
        const pending = this.#queue.reader.pendingPrints(DRAIN_BATCH).filter((t) => !this.#inFlight.has(t.id));
        if (pending.length === 0) return;
        for (const ticket of pending) {
          if (this.#stopped || !(await this.#print(ticket, true))) return;
        }
      }
    };
    // Cleared only after it settles (a `finally` inside `run` could run before the
    // assignment when nothing is pending, and leave a stale promise here for good).
    this.#draining = run().finally(() => {
      this.#draining = null;
    });
    return this.#draining;
  }

  /** One job, after the previous one; records the outcome. Never throws. */
  #print(ticket: TicketView, reprint: boolean): Promise<boolean> {
    this.#inFlight.add(ticket.id);
    const job = this.#chain.then(async () => {
      try {
        await this.#printer.print({ ticket, reprint });
        await this.#queue.run({ kind: 'print_done', ticketId: ticket.id });
        if (reprint) this.#log.info({ ticket: ticket.number }, 'ticket reprinted');
        return true;
      } catch (error) {
        const message = (error as Error).message ?? String(error);
        this.#log.error({ ticket: ticket.number, err: error }, 'ticket not printed; it is printed again when the printer is back');
        await this.#queue.run({ kind: 'print_failed', ticketId: ticket.id, error: message }).catch(() => undefined);
        return false;
      } finally {
        this.#inFlight.delete(ticket.id);
      }
    });
    this.#chain = job;
    return job;
  }
}
