import type { Clock } from '../../runtime/clock.ts';
import type { SerialLine } from '../serial/serial-line.ts';
import { EscposError } from './errors.ts';

const noop = (): void => undefined;

/**
 * One session on the line to the printer: its XON/XOFF state and the job writes in it.
 * When the line goes (`markLost`), every write in progress and every XOFF wait rejects
 * with the given error at once, so no job waits on a line that is gone.
 */
export class PrinterLine {
  /** Resolves (never rejects) with the error pending work fails with once the line is gone. */
  readonly lost: Promise<EscposError>;
  /** Whether an ASB frame arrived in this session (so `GS a` took effect). */
  asbSeen = false;
  readonly #serial: SerialLine;
  readonly #clock: Clock;
  readonly #chunkBytes: number;
  readonly #failed: Promise<never>;
  #markLost: (error: EscposError) => void = noop;
  #gone = false;
  #xoff = false;
  readonly #xonWaiters = new Set<() => void>();

  constructor(serial: SerialLine, clock: Clock, chunkBytes: number) {
    this.#serial = serial;
    this.#clock = clock;
    this.#chunkBytes = chunkBytes;
    this.lost = new Promise<EscposError>((resolve) => (this.#markLost = resolve));
    this.#failed = this.lost.then((error) => Promise.reject(error));
    this.#failed.catch(noop);
  }

  get gone(): boolean {
    return this.#gone;
  }

  /** Whether the printer holds us off with XOFF (docs/protocols/escpos.md §4). */
  get held(): boolean {
    return this.#xoff;
  }

  markLost(error: EscposError): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#markLost(error);
    for (const wake of [...this.#xonWaiters]) wake(); // the send then fails on #failed
  }

  /** Records XOFF (true) or XON (false); returns whether that changed anything. */
  setHeld(held: boolean): boolean {
    if (this.#xoff === held) return false;
    this.#xoff = held;
    if (!held) for (const wake of [...this.#xonWaiters]) wake();
    return true;
  }

  /**
   * Writes `bytes` in chunks, each drained before the next. With `holdTimeoutMs`, an
   * XOFF pauses the write before the next chunk for at most that long (then rejects
   * with `print_not_confirmed`); without it XOFF is ignored (real-time commands are
   * answered even with the buffer full: docs/protocols/escpos.md §2).
   */
  async send(bytes: Buffer, holdTimeoutMs?: number): Promise<void> {
    for (let offset = 0; offset < bytes.length; offset += this.#chunkBytes) {
      if (holdTimeoutMs !== undefined && this.#xoff) await Promise.race([this.#waitForXon(holdTimeoutMs), this.#failed]);
      if (this.#gone) return this.#failed;
      await Promise.race([this.#write(bytes.subarray(offset, offset + this.#chunkBytes)), this.#failed]);
    }
  }

  #write(chunk: Buffer): Promise<void> {
    return this.#serial.write(chunk).catch((error: Error) => {
      // The line closing fails the write and then marks the session lost: report why it went.
      if (this.#gone) return this.#failed;
      throw new EscposError('line_dropped', `writing to the printer failed: ${error.message}`, { cause: error });
    });
  }

  #waitForXon(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        cancel();
        this.#xonWaiters.delete(done);
        resolve();
      };
      const cancel = this.#clock.setTimer(() => {
        this.#xonWaiters.delete(done);
        reject(new EscposError('print_not_confirmed', `the printer held the job with XOFF for ${timeoutMs} ms`));
      }, timeoutMs);
      this.#xonWaiters.add(done);
    });
  }
}
