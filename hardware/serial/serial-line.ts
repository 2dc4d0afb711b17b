import { EventEmitter } from 'node:events';
import { doublingSchedule } from '../../runtime/backoff.ts';
import { systemClock, type Clock } from '../../runtime/clock.ts';
import { watchLine } from './dead-line.ts';
import type { SerialBinding, SerialPortHandle, SerialSettings } from './serial-binding.ts';
import { SerialLineError } from './serial-errors.ts';
import { systemBinding } from './system-binding.ts';

/**
 * The one serial line every driver and emulator in hardware/ talks through: it opens a
 * port through a `SerialBinding`, decides by the one dead-line policy (dead-line.ts) when
 * the far end is gone, reopens with backoff until stopped, and turns writes into
 * promises that settle once the bytes drained, with a code when they do not
 * (docs/protocols/serial-lines.md).
 */

export interface SerialLineOptions extends SerialSettings {
  /** Default: serialport 13 on the OS (`systemBinding`). Tests pass a `LoopbackBinding`. */
  binding?: SerialBinding;
  /** Times reopen delays, line checks and write timeouts. Default: the system clock. */
  clock?: Clock;
  /** `false`: lower DTR right after opening (some Alpha signs reset on DTR). Default: as the OS leaves it. */
  dtr?: boolean;
  /** Reopen after a loss or a failed open (default true); `false` = one open, one close. */
  reconnect?: boolean;
  /** Delays before reopen attempts 1, 2, …; the last repeats; back to the first once open. Default `doublingSchedule(500, 10_000)`. */
  reconnectDelaysMs?: readonly number[];
  /** How often the idle modem-line check runs (dead-line.ts); 0 = never. Default 1000. */
  lineCheckMs?: number;
  /** How long a write may take to drain before it rejects with `write_timeout`; 0 = no limit. Default 5000. */
  writeTimeoutMs?: number;
}

export interface SerialLineEvents {
  open: [];
  /** The port closed: `error` says why it was lost; undefined when `stop()` closed it. */
  close: [Error | undefined];
  /** An open attempt failed (the binding's error); a retry follows unless `reconnect` is false. */
  openFailed: [Error];
  /** The next open attempt is due in `delayMs` (after a loss or a failed open). */
  retry: [{ attempt: number; delayMs: number; error: Error | undefined }];
  data: [Buffer];
}

const noop = (): void => undefined;

export class SerialLine extends EventEmitter<SerialLineEvents> {
  readonly settings: SerialSettings;
  readonly #binding: SerialBinding;
  readonly #clock: Clock;
  readonly #options: SerialLineOptions;
  readonly #delays: readonly number[];
  #port: SerialPortHandle | undefined;
  #opening: Promise<void> | undefined;
  #started = false;
  #attempt = 0;
  #cancelRetry: (() => void) | undefined;
  #stopWatching: (() => void) | undefined;
  readonly #pending = new Set<(error: Error) => void>();

  constructor(options: SerialLineOptions) {
    super();
    const { path, baudRate, dataBits, parity, stopBits } = options;
    this.settings = { path, baudRate, dataBits, parity, stopBits };
    this.#options = options;
    this.#binding = options.binding ?? systemBinding;
    this.#clock = options.clock ?? systemClock;
    this.#delays = options.reconnectDelaysMs?.length ? options.reconnectDelaysMs : doublingSchedule(500, 10_000);
  }

  get isOpen(): boolean {
    return this.#port !== undefined;
  }

  /** Writes not yet drained (a device that stopped reading makes this grow). */
  get pendingWrites(): number {
    return this.#pending.size;
  }

  /** Starts opening the port, and keeps reopening it until `stop` (unless `reconnect` is false). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#connect();
  }

  /** Closes the port and stops reopening it; pending writes reject with `not_open`. */
  async stop(): Promise<void> {
    this.#started = false;
    this.#cancelRetry?.();
    this.#cancelRetry = undefined;
    await this.#opening;
    const port = this.#port;
    if (!port) return;
    this.#closed(port, undefined);
    await port.close().catch(noop);
  }

  /** Writes `bytes`; resolves once they drained to the device. Rejects with a `SerialLineError`. */
  write(bytes: Buffer): Promise<void> {
    const port = this.#port;
    if (!port) return Promise.reject(new SerialLineError('not_open', `${this.settings.path} is not open`));
    const timeoutMs = this.#options.writeTimeoutMs ?? 5000;
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: Error): void => {
        if (!this.#pending.delete(settle)) return;
        cancelTimeout();
        if (error) reject(error);
        else resolve();
      };
      this.#pending.add(settle);
      const cancelTimeout =
        timeoutMs > 0
          ? this.#clock.setTimer(() => settle(new SerialLineError('write_timeout', `${bytes.length} bytes to ${this.settings.path} did not drain within ${timeoutMs} ms`)), timeoutMs)
          : noop;
      port.write(bytes).then(
        () => settle(),
        (error: Error) => {
          settle(new SerialLineError('write_failed', `write to ${this.settings.path} failed: ${error.message}`, { cause: error }));
          this.#closed(port, error); // dead-line policy: a failed write means the line is gone
        },
      );
    });
  }

  #connect(): void {
    this.#cancelRetry = undefined;
    if (!this.#started || this.#port || this.#opening) return;
    this.#opening = this.#open().finally(() => (this.#opening = undefined));
  }

  async #open(): Promise<void> {
    let port: SerialPortHandle;
    try {
      port = await this.#binding.open(this.settings);
      // Errors ignored: a PTY has no modem lines (ENOTTY), and a sign on an adapter that
      // cannot lower DTR is no worse off than one never asked to.
      if (this.#options.dtr === false) await port.set({ dtr: false }).catch(noop);
    } catch (error) {
      if (!this.#started) return;
      const failure = error instanceof Error ? error : new Error(String(error));
      this.emit('openFailed', failure);
      this.#retryLater(failure);
      return;
    }
    if (!this.#started) {
      await port.close().catch(noop); // stopped while opening
      return;
    }
    this.#port = port;
    this.#attempt = 0;
    port.onData((bytes) => this.#port === port && this.emit('data', bytes));
    port.onLost((error) => this.#closed(port, error));
    this.#stopWatching = watchLine(port, this.#clock, this.#options.lineCheckMs ?? 1000, (error) => this.#closed(port, error));
    this.emit('open');
  }

  /** The port is gone: lost (`error`, by the dead-line policy) or stopped (undefined). */
  #closed(port: SerialPortHandle, error: Error | undefined): void {
    if (this.#port !== port) return;
    this.#port = undefined;
    this.#stopWatching?.();
    const pendingError = error
      ? new SerialLineError('write_failed', `${this.settings.path} was lost before the write drained: ${error.message}`, { cause: error })
      : new SerialLineError('not_open', `${this.settings.path} was closed`);
    for (const settle of [...this.#pending]) settle(pendingError);
    if (error) void port.close().catch(noop); // release the device so it can be reopened
    this.emit('close', error);
    if (error) this.#retryLater(error);
  }

  #retryLater(error: Error | undefined): void {
    if (this.#options.reconnect === false) this.#started = false;
    if (!this.#started) return;
    const delayMs = this.#delays[Math.min(this.#attempt, this.#delays.length - 1)]!;
    this.#attempt++;
    this.#cancelRetry?.();
    this.#cancelRetry = this.#clock.setTimer(() => this.#connect(), delayMs);
    this.emit('retry', { attempt: this.#attempt, delayMs, error });
  }
}

/**
 * Starts `line` (made with `reconnect: false`) and resolves once it is open; rejects with
 * `open_failed` (the binding's error as cause) if the one attempt fails.
 */
export function openOnce(line: SerialLine): Promise<void> {
  return new Promise((resolve, reject) => {
    const opened = (): void => {
      line.off('openFailed', failed);
      resolve();
    };
    const failed = (error: Error): void => {
      line.off('open', opened);
      reject(new SerialLineError('open_failed', `cannot open ${line.settings.path}: ${error.message}`, { cause: error }));
    };
    line.once('open', opened);
    line.once('openFailed', failed);
    line.start();
  });
}
