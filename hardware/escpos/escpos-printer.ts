import { EventEmitter } from 'node:events';
import type { Clock } from '../../runtime/clock.ts';
import { SerialLine } from '../serial/serial-line.ts';
import { enableAsb, initialise, paperStatusBarrier, realtimeStatus } from './commands.ts';
import { EscposError } from './errors.ts';
import { PrinterLine } from './printer-line.ts';
import { resolveOptions, type EscposPrinterEvents, type EscposPrinterOptions, type PrinterStatus, type ResolvedOptions } from './printer-options.ts';
import { ReplyFramer } from './reply-framer.ts';
import { ReplyQueue } from './reply-queue.ts';
import { conditionFromAsb, conditionFromEot, decodeAsb, decodeEot2, printerState, sameCondition, type PrinterCondition, type PrinterState } from './status.ts';

export type { EscposPrinterEvents, EscposPrinterOptions, PrinterStatus } from './printer-options.ts';

const BARRIER = paperStatusBarrier();
const asError = (value: unknown): Error => (value instanceof Error ? value : new Error(String(value)));
const noop = (): void => undefined;

/**
 * ESC/POS ticket printer on a serial line (docs/protocols/escpos.md §6): owns the port,
 * keeps the state pushed by Automatic Status Back, answers `checkStatus()` with
 * `DLE EOT 1/2/4` before a number is allocated, writes jobs and waits for their `GS r 1`
 * barrier, and reopens the port with backoff when the line drops. Status checks and job
 * writes go through one queue, so a `DLE EOT` never lands inside a job's bytes (§6
 * step 5); a check may run while an earlier job waits for its barrier.
 */
export class EscposPrinter extends EventEmitter<EscposPrinterEvents> {
  readonly path: string;
  readonly baudRate: number;
  readonly #options: ResolvedOptions;
  readonly #clock: Clock;
  readonly #serial: SerialLine;
  readonly #framer = new ReplyFramer();
  readonly #eot: ReplyQueue<number>;
  readonly #barriers: ReplyQueue<number>;
  #line: PrinterLine | undefined;
  #tail: Promise<unknown> = Promise.resolve();
  #status: PrinterStatus;
  #started = false;
  #closed = false;
  /** Settles `start()` with the outcome of the first attempt. */
  #firstAttempt: ((connected: boolean) => void) | undefined;
  readonly #counters = { lateReplies: 0, unexpectedReplies: 0 };

  /** Only assigns (and checks the options); `start()` opens the port. */
  constructor(options: EscposPrinterOptions) {
    super();
    this.#options = resolveOptions(options);
    this.path = this.#options.path;
    this.baudRate = this.#options.baudRate;
    this.#clock = this.#options.clock;
    this.#eot = new ReplyQueue(this.#clock, this.#options.statusTimeoutMs);
    this.#barriers = new ReplyQueue(this.#clock, this.#options.staleReplyMs);
    this.#status = { state: 'offline', condition: undefined, source: 'line', at: this.#clock.now() };
    this.#serial = new SerialLine({
      path: this.path,
      baudRate: this.baudRate,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      binding: this.#options.binding,
      clock: this.#clock,
      reconnectDelaysMs: this.#options.reconnectDelaysMs,
      lineCheckMs: this.#options.lineCheckMs,
      // A job waits for its barrier (and XOFF) with its own timeouts; a write itself never gives up.
      writeTimeoutMs: 0,
    });
    this.#serial.on('open', () => this.#opened());
    this.#serial.on('data', (chunk) => this.#line && this.#received(this.#line, chunk));
    this.#serial.on('close', (error) => this.#lost(error));
    this.#serial.on('openFailed', () => this.#settleFirstAttempt(false));
    this.#serial.on('retry', (retry) => this.emit('retry', retry));
  }

  get connected(): boolean {
    return this.#line !== undefined;
  }

  /** The latest status (from ASB, a check, or the line). */
  get status(): PrinterStatus {
    return this.#status;
  }

  state(): PrinterState {
    return this.#status.state;
  }

  /** Framing and matching counters, for health pages. */
  get counters(): { discardedBytes: number; lateReplies: number; unexpectedReplies: number } {
    return { discardedBytes: this.#framer.discarded, ...this.#counters };
  }

  /**
   * Opens the port. Resolves after the first attempt: true if connected; otherwise
   * attempts go on in the background ('retry', then 'connected').
   */
  async start(): Promise<boolean> {
    if (this.#closed) throw new EscposError('printer_closed', 'the printer driver is closed');
    if (this.#started) return this.connected;
    this.#started = true;
    const first = new Promise<boolean>((resolve) => (this.#firstAttempt = resolve));
    this.#serial.start();
    return first;
  }

  /**
   * §6 step 3: `10 04 01`, `10 04 02`, `10 04 04` (and `10 04 03` when EOT2 reports an
   * error), replies matched in FIFO order, each within `statusTimeoutMs`. Never rejects
   * for the printer's sake: no line or no answer is `offline`. Rejects only once closed.
   */
  checkStatus(): Promise<PrinterStatus> {
    if (this.#closed) return Promise.reject(new EscposError('printer_closed', 'the printer driver is closed'));
    return this.#exclusive(async () => {
      const line = this.#line;
      if (!line) return this.#setStatus(undefined, 'line');
      let condition: PrinterCondition | undefined;
      const replies = await this.#query(line, [1, 2, 4]);
      if (replies) {
        const [eot1, eot2, eot4] = replies as [number, number, number];
        const eot3 = decodeEot2(eot2)?.errorOccurred ? (await this.#query(line, [3]))?.[0] : undefined;
        condition = conditionFromEot(eot3 === undefined ? { 1: eot1, 2: eot2, 4: eot4 } : { 1: eot1, 2: eot2, 3: eot3, 4: eot4 });
      }
      if (this.#line !== line) return this.#setStatus(undefined, 'line');
      // It answers but has pushed no ASB frame yet: it missed `GS a` (it was unpowered,
      // or our bytes went nowhere before it opened its end), so ask again.
      if (condition && !line.asbSeen) await line.send(enableAsb(this.#options.asbMask)).catch(noop);
      return this.#setStatus(condition, 'eot');
    });
  }

  /**
   * Writes a job (from `buildTicketBytes`) and resolves when its `GS r 1` barrier is
   * answered: the printer processed the whole job (§6 step 4; "accepted", not "in the
   * citizen's hand"). A job not ending in `1D 72 01` gets one appended; a job must hold
   * no other `GS r`. Rejects with `not_connected`, `line_dropped` (the line failed during
   * the write or before the reply), `print_not_confirmed` (no reply within
   * `printTimeoutMs`, or XOFF held that long; a status check follows by itself) or
   * `printer_closed`.
   */
  async print(job: Uint8Array): Promise<void> {
    if (this.#closed) throw new EscposError('printer_closed', 'the printer driver is closed');
    // `GS a` again after the job: the job's own `ESC @` may have disabled ASB (§3).
    const bytes = Buffer.concat([job, endsWithBarrier(job) ? Buffer.alloc(0) : BARRIER, enableAsb(this.#options.asbMask)]);
    const pending = await this.#exclusive(async () => {
      const line = this.#line;
      if (!line) throw new EscposError('not_connected', `no serial line to the printer at ${this.path}`);
      // Expect before writing: a fast printer may answer before the drain callback.
      const barrier = this.#barriers.expect();
      barrier.promise.catch(noop);
      try {
        await line.send(bytes, this.#options.printTimeoutMs);
      } catch (error) {
        barrier.cancel(asError(error));
        throw error;
      }
      barrier.arm(this.#options.printTimeoutMs, () => new EscposError('print_not_confirmed', `the printer at ${this.path} did not confirm the job within ${this.#options.printTimeoutMs} ms (GS r barrier)`));
      return barrier;
    });
    try {
      await pending.promise;
    } catch (error) {
      // §6 step 4: no barrier reply = went offline mid-ticket; re-run DLE EOT so the
      // state (and 'state' listeners) learn why.
      if (error instanceof EscposError && error.code === 'print_not_confirmed') this.checkStatus().catch(noop);
      throw error;
    }
  }

  /** Closes the port and stops reconnecting; pending work rejects with `printer_closed`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closed = new EscposError('printer_closed', 'the printer driver is closed');
    this.#eot.clear(closed);
    this.#barriers.clear(closed);
    this.#settleFirstAttempt(false);
    await this.#serial.stop();
  }

  /** Runs `task` after every earlier one: one writer on the line at a time. */
  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(noop);
    return result;
  }

  /** The port opened: a new session; reset the printer and turn on ASB, then report. */
  #opened(): void {
    const line = new PrinterLine(this.#serial, this.#clock, this.#options.writeChunkBytes);
    this.#line = line;
    this.#framer.reset();
    // docs/protocols/escpos.md §6 step 2: reset, then Automatic Status Back for online/error/paper.
    this.#exclusive(() => line.send(Buffer.concat([initialise(), enableAsb(this.#options.asbMask)]))).then(
      () => {
        if (this.#line !== line) return this.#settleFirstAttempt(false);
        this.emit('connected');
        this.#settleFirstAttempt(true);
        // A printer without ASB still gets a state; one with ASB answers both.
        this.checkStatus().catch(noop);
      },
      () => this.#settleFirstAttempt(false), // the line dropped at once; the serial line retries
    );
  }

  /** The line closed (error: why it was lost) or `close()` closed it. */
  #lost(error: Error | undefined): void {
    const line = this.#line;
    if (!line) return;
    this.#line = undefined;
    const dropped = this.#closed
      ? new EscposError('printer_closed', 'the printer driver is closed')
      : new EscposError('line_dropped', `the serial line to the printer at ${this.path} ${error ? `failed: ${error.message}` : 'closed'}`, { cause: error });
    line.markLost(dropped);
    this.#eot.clear(dropped);
    this.#barriers.clear(dropped);
    this.#setStatus(undefined, 'line');
    this.emit('disconnected', error);
  }

  #settleFirstAttempt(connected: boolean): void {
    const settle = this.#firstAttempt;
    this.#firstAttempt = undefined;
    settle?.(connected);
  }

  #received(line: PrinterLine, chunk: Buffer): void {
    for (const event of this.#framer.feed(chunk)) {
      switch (event.type) {
        case 'eot':
          this.#count(this.#eot.offer(event.byte));
          break;
        case 'gsr':
          this.#count(this.#barriers.offer(event.byte));
          break;
        case 'asb': {
          line.asbSeen = true;
          const asb = decodeAsb(event.bytes);
          if (asb) this.#setStatus(conditionFromAsb(asb), 'asb');
          break;
        }
        case 'xoff':
        case 'xon':
          if (line.setHeld(event.type === 'xoff')) this.emit('flow', event.type);
          break;
      }
    }
  }

  #count(outcome: 'matched' | 'late' | 'unexpected'): void {
    if (outcome === 'late') this.#counters.lateReplies++;
    if (outcome === 'unexpected') this.#counters.unexpectedReplies++;
  }

  /** Sends DLE EOT `selectors` in one write; the replies in order, or undefined if any is missing. */
  async #query(line: PrinterLine, selectors: (1 | 2 | 3 | 4)[]): Promise<number[] | undefined> {
    const waits = selectors.map(() => this.#eot.expect());
    const settled = Promise.allSettled(waits.map((wait) => wait.promise));
    try {
      // Real-time: answered even with the buffer full, so XOFF does not hold these (§2).
      await line.send(Buffer.concat(selectors.map(realtimeStatus)));
      for (const wait of waits) {
        wait.arm(this.#options.statusTimeoutMs, () => new EscposError('no_reply', `no DLE EOT reply from the printer at ${this.path} within ${this.#options.statusTimeoutMs} ms`));
      }
    } catch (error) {
      for (const wait of waits) wait.cancel(asError(error));
    }
    const results = await settled;
    return results.every((result) => result.status === 'fulfilled') ? results.map((result) => (result as PromiseFulfilledResult<number>).value) : undefined;
  }

  #setStatus(condition: PrinterCondition | undefined, source: PrinterStatus['source']): PrinterStatus {
    const state = printerState(condition, { nearEndSensor: this.#options.nearEndSensor });
    const changed = state !== this.#status.state || !sameCondition(condition, this.#status.condition);
    this.#status = { state, condition, source, at: this.#clock.now() };
    if (changed) this.emit('state', this.#status);
    return this.#status;
  }
}

function endsWithBarrier(job: Uint8Array): boolean {
  const n = job.length;
  return n >= 3 && job[n - 3] === BARRIER[0] && job[n - 2] === BARRIER[1] && job[n - 1] === BARRIER[2];
}
