import { EventEmitter } from 'node:events';
import { systemClock, type Clock } from '../../runtime/clock.ts';
import { boardLine, type BoardLineOptions } from '../serial/board-line.ts';
import { isSerialLineError } from '../serial/serial-errors.ts';
import type { SerialLine } from '../serial/serial-line.ts';
import { brightness, initialise, route, writeLine } from './dmd-commands.ts';
import { DmdError, type DmdErrorCode } from './dmd-errors.ts';

/**
 * Driver for an Epson DM-D 2×20 counter display on its own serial line
 * (docs/protocols/dm-d.md): commands (dmd-commands.ts) → this device. The protocol has
 * no ACK, so health is the line's: open, and writes drain within `writeTimeoutMs`; a
 * write error, a stuck write or a close makes it unhealthy. The latest text is kept and
 * written again (after `ESC @`) whenever the line comes back.
 */

/** The line defaults to 9600 8N1, the DM-D110's (docs/protocols/dm-d.md §1); a write not drained in `writeTimeoutMs` makes the display unhealthy. */
export interface DmdDisplayOptions extends BoardLineOptions {
  /** Display in pass-through in front of a printer: wrap each update in `ESC = 2` … `ESC = 1` (§3). */
  passThrough?: boolean;
  /** `US X n` after each initialise, 1–4. */
  brightness?: number;
}

export type DmdUnhealthyCode = 'disconnected' | 'not_drained' | 'write_failed';

export interface DmdDisplayEvents {
  connected: [];
  disconnected: [Error | undefined];
  healthy: [];
  unhealthy: [{ code: DmdUnhealthyCode; message: string }];
  /** Both lines were written and drained. */
  delivered: [{ lines: [string, string] }];
}

interface Pending {
  lines: [string, string];
  waiters: { resolve(): void; reject(error: DmdError): void }[];
}

export class DmdDisplay extends EventEmitter<DmdDisplayEvents> {
  readonly #options: DmdDisplayOptions;
  readonly #clock: Clock;
  readonly #line: SerialLine;
  #pending: Pending | undefined;
  #latest: [string, string] | undefined;
  #writing = false;
  #needsInit = true;
  #health: { healthy: boolean; code?: DmdUnhealthyCode; message?: string; since: number };

  constructor(options: DmdDisplayOptions) {
    super();
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    if (options.brightness !== undefined) brightness(options.brightness); // validate now, not on first show
    this.#health = { healthy: false, code: 'disconnected', message: 'not opened yet', since: this.#clock.now() };
    this.#line = boardLine(options, { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 }, this.#clock);
    this.#line.on('open', () => {
      this.#needsInit = true;
      this.emit('connected');
      this.#mark(undefined);
      this.#retryLatest();
      this.#pump();
    });
    this.#line.on('close', (error) => {
      this.emit('disconnected', error);
      this.#mark({ code: 'disconnected', message: `${options.path} closed${error ? `: ${error.message}` : ''}` });
    });
  }

  get connected(): boolean {
    return this.#line.isOpen;
  }

  get healthy(): boolean {
    return this.#health.healthy;
  }

  /** For `/health`: healthy = open and the last write drained. */
  health(): { connected: boolean; healthy: boolean; code?: DmdUnhealthyCode; message?: string; since: number } {
    return { connected: this.connected, ...this.#health };
  }

  start(): void {
    this.#line.start();
  }

  async stop(): Promise<void> {
    this.#fail(this.#pending, 'stopped', 'the display driver stopped');
    this.#pending = undefined;
    await this.#line.stop();
  }

  /**
   * Shows two lines (each normalised to ASCII, cut and padded to 20). Resolves once
   * written and drained. Rejects with a `DmdError`; unless `superseded` or `stopped`, the
   * text is still shown once the line allows.
   */
  show(line1: string, line2: string): Promise<void> {
    const lines: [string, string] = [line1, line2];
    this.#latest = lines;
    const done = new Promise<void>((resolve, reject) => {
      this.#fail(this.#pending, 'superseded', 'newer text replaced this one before it was written');
      this.#pending = { lines, waiters: [{ resolve, reject }] };
    });
    if (!this.connected) this.#fail(this.#pending, 'not_connected', `${this.#options.path} is not open; the text is shown once it is`);
    this.#pump();
    return done;
  }

  #pump(): void {
    const job = this.#pending;
    if (this.#writing || !job || !this.connected) return;
    this.#pending = undefined;
    this.#writing = true;
    void this.#write(job).then(() => {
      this.#writing = false;
      this.#pump();
    });
  }

  async #write(job: Pending): Promise<void> {
    const init = this.#needsInit;
    const parts = [
      ...(this.#options.passThrough ? [route('display')] : []),
      ...(init ? [initialise(), ...(this.#options.brightness === undefined ? [] : [brightness(this.#options.brightness)])] : []),
      writeLine(1, job.lines[0]),
      writeLine(2, job.lines[1]),
      ...(this.#options.passThrough ? [route('printer')] : []), // hand the line back to the printer
    ];
    try {
      await this.#line.write(Buffer.concat(parts));
      if (init) this.#needsInit = false;
      this.#mark(undefined);
      for (const waiter of job.waiters) waiter.resolve();
      this.emit('delivered', { lines: job.lines });
    } catch (error) {
      const stuck = isSerialLineError(error, 'write_timeout');
      const code: DmdErrorCode = stuck ? 'not_drained' : 'line_dropped';
      const message = error instanceof Error ? error.message : String(error);
      this.#fail(job, code, message, error);
      if (this.connected) this.#mark({ code: stuck ? 'not_drained' : 'write_failed', message });
      this.#needsInit = true; // what reached the display is unknown: start it over
      // Stuck, not closed: try the latest text again later; its drain is what clears the report.
      if (stuck) this.#clock.setTimer(() => this.#retryLatest(), this.#options.writeTimeoutMs ?? 5000);
    }
  }

  #retryLatest(): void {
    if (this.#pending || !this.#latest) return;
    this.#pending = { lines: this.#latest, waiters: [] };
    this.#pump();
  }

  #fail(job: Pending | undefined, code: DmdErrorCode, message: string, cause?: unknown): void {
    for (const waiter of job?.waiters.splice(0) ?? []) waiter.reject(new DmdError(code, message, cause === undefined ? undefined : { cause }));
  }

  /** Records health; emits only on change. `problem` undefined = healthy. */
  #mark(problem: { code: DmdUnhealthyCode; message: string } | undefined): void {
    if (problem === undefined) {
      if (this.#health.healthy) return;
      this.#health = { healthy: true, since: this.#clock.now() };
      this.emit('healthy');
    } else if (this.#health.healthy || this.#health.code !== problem.code) {
      this.#health = { healthy: false, ...problem, since: this.#clock.now() };
      this.emit('unhealthy', problem);
    }
  }
}
