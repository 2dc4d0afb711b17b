import type { PrinterClock } from './clock.ts';
import { EscposError } from './errors.ts';
import type { PrinterPort } from './printer-port.ts';

const noop = (): void => undefined;

/**
 * One open connection to the printer: the port, its XON/XOFF state and the writes on it.
 * When the line goes (`markLost`), every write in progress and every XOFF wait rejects
 * with the given error at once — serialport 13 never calls back a write or drain on a
 * port that closed under it, so nothing here waits on those callbacks alone.
 */
export class PrinterLine {
  readonly port: PrinterPort;
  /** Resolves (never rejects) with the error pending work fails with once the line is gone. */
  readonly lost: Promise<EscposError>;
  /** Whether an ASB frame arrived on this connection (so `GS a` took effect). */
  asbSeen = false;
  readonly #clock: PrinterClock;
  readonly #chunkBytes: number;
  readonly #failed: Promise<never>;
  #markLost: (error: EscposError) => void = noop;
  #gone = false;
  #xoff = false;
  readonly #xonWaiters = new Set<() => void>();

  constructor(port: PrinterPort, clock: PrinterClock, chunkBytes: number) {
    this.port = port;
    this.#clock = clock;
    this.#chunkBytes = chunkBytes;
    this.lost = new Promise<EscposError>((resolve) => (this.#markLost = resolve));
    this.#failed = this.lost.then((error) => Promise.reject(error));
    this.#failed.catch(noop);
  }

  get gone(): boolean {
    return this.#gone;
  }

  /** Whether the printer holds us off with XOFF (§1.4). */
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
   * with `print_not_confirmed`); without it XOFF is ignored (real-time commands, §1.2:
   * answered even with the buffer full).
   */
  async send(bytes: Buffer, holdTimeoutMs?: number): Promise<void> {
    for (let offset = 0; offset < bytes.length; offset += this.#chunkBytes) {
      if (holdTimeoutMs !== undefined && this.#xoff) await Promise.race([this.#waitForXon(holdTimeoutMs), this.#failed]);
      if (this.#gone) return this.#failed;
      await Promise.race([writeAndDrain(this.port, bytes.subarray(offset, offset + this.#chunkBytes)), this.#failed]);
    }
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

function writeAndDrain(port: PrinterPort, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => reject(new EscposError('line_dropped', `writing to the printer failed: ${error.message}`, { cause: error }));
    port.write(bytes, (error) => error && fail(error));
    port.drain((error) => (error ? fail(error) : resolve()));
  });
}
