import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';

/**
 * A serial line that stays open: it opens the port, reopens it with backoff whenever it
 * closes (a pulled USB adapter, or a PTY whose socat went away), and turns writes into
 * promises that settle once the bytes drained. Shared by the Alpha hall-board driver and
 * the DM-D counter-display driver (hardware/vfd/); it belongs in hardware/serial/.
 *
 * A PTY host end only notices its far side vanished when a write fails with EIO
 * (hardware/firmata/serial-link.ts; reads stay silent), so an idle line is probed with
 * bytes the device ignores (NUL for both boards) every `probeIntervalMs`.
 */

/** Structurally the hub's `Clock` (hub/clock.ts) minus `setRepeating`; nothing here imports the hub. */
export interface LineClock {
  now(): number;
  /** Runs `fn` once after `ms`; returns a cancel function. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** Wall clock and Node timers, unref'd so a waiting driver never keeps a process alive. */
export const systemLineClock: LineClock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return () => clearTimeout(handle);
  },
};

export interface SerialSettings {
  path: string;
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: 'none' | 'even' | 'odd' | 'mark' | 'space';
  stopBits: 1 | 1.5 | 2;
}

/** The parts of a serialport 13 `SerialPortStream` the line uses (`SerialPortMock` fits too). */
export interface SerialPortLike {
  readonly isOpen: boolean;
  open(callback: (error: Error | null) => void): void;
  close(callback?: (error: Error | null) => void): void;
  write(data: Buffer, callback?: (error: Error | null | undefined) => void): boolean;
  drain(callback?: (error: Error | null) => void): void;
  set(options: { dtr?: boolean }, callback?: (error: Error | null) => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'close', listener: (error?: Error | null) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(): unknown;
}

/** Creates an unopened port; the default is serialport 13's `SerialPort` on the OS binding. */
export type OpenSerialPort = (settings: SerialSettings) => SerialPortLike;

export const openSystemPort: OpenSerialPort = (settings) => new SerialPort({ ...settings, autoOpen: false });

export interface SerialLineOptions extends SerialSettings {
  /** `false`: lower DTR right after opening (§2: some Alpha signs reset on DTR). Default: as the OS leaves it. */
  dtr?: boolean;
  clock?: LineClock;
  /** Reopen after a close or a failed open (default true); `false` = one open, one close. */
  reconnect?: boolean;
  /** First reopen delay; doubles per failed attempt up to `maxReconnectMs`. Default 500. */
  reconnectMs?: number;
  /** Default 10 000. */
  maxReconnectMs?: number;
  /** Idle time after which `probeBytes` are written to notice a vanished device; 0 = never. Default 5000. */
  probeIntervalMs?: number;
  probeBytes?: Buffer;
  /** How long a write may take to drain before it is reported as stuck. Default 5000. */
  writeTimeoutMs?: number;
  openPort?: OpenSerialPort;
}

export type SerialLineErrorCode = 'not_open' | 'write_failed' | 'write_timeout';

export class SerialLineError extends Error {
  readonly code: SerialLineErrorCode;
  constructor(code: SerialLineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SerialLineError';
    this.code = code;
  }
}

export interface SerialLineEvents {
  open: [];
  /** The port closed; `error` says why when it failed rather than being closed. */
  close: [Error | undefined];
  /** An open attempt failed; another follows after the backoff. */
  openFailed: [Error];
  data: [Buffer];
}

export class SerialLine extends EventEmitter<SerialLineEvents> {
  readonly settings: SerialSettings;
  readonly #options: SerialLineOptions;
  readonly #clock: LineClock;
  readonly #openPort: OpenSerialPort;
  #port: SerialPortLike | undefined;
  #open = false;
  #started = false;
  #delay: number;
  #cancelTimer: (() => void) | undefined;
  #cancelProbe: (() => void) | undefined;
  readonly #pending = new Set<(error: Error) => void>();

  constructor(options: SerialLineOptions) {
    super();
    const { path, baudRate, dataBits, parity, stopBits } = options;
    this.settings = { path, baudRate, dataBits, parity, stopBits };
    this.#options = options;
    this.#clock = options.clock ?? systemLineClock;
    this.#openPort = options.openPort ?? openSystemPort;
    this.#delay = options.reconnectMs ?? 500;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** Starts opening the port (and keeps reopening it until `stop`). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#connect();
  }

  /** Closes the port and stops reopening it; pending writes fail with `not_open`. */
  async stop(): Promise<void> {
    this.#started = false;
    this.#cancelTimer?.();
    this.#cancelProbe?.();
    const port = this.#port;
    if (!port) return;
    await new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
    this.#closed(port, undefined);
  }

  /** Writes `bytes` and resolves once they drained to the device. */
  write(bytes: Buffer): Promise<void> {
    const port = this.#port;
    if (!port || !this.#open) return Promise.reject(new SerialLineError('not_open', `${this.settings.path} is not open`));
    this.#scheduleProbe();
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const cancelTimeout = this.#clock.setTimer(() => settle(new SerialLineError('write_timeout', `${bytes.length} bytes to ${this.settings.path} did not drain within ${this.#options.writeTimeoutMs ?? 5000} ms`)), this.#options.writeTimeoutMs ?? 5000);
      const settle = (error?: Error): void => {
        if (settled) return;
        settled = true;
        cancelTimeout();
        this.#pending.delete(settle);
        if (error) reject(error instanceof SerialLineError ? error : new SerialLineError('write_failed', `write to ${this.settings.path} failed: ${error.message}`, { cause: error }));
        else resolve();
      };
      this.#pending.add(settle);
      port.write(bytes, (error) => error && settle(error));
      port.drain((error) => settle(error ?? undefined));
    });
  }

  #connect(): void {
    this.#cancelTimer = undefined;
    if (!this.#started || this.#port) return;
    const port = this.#openPort(this.settings);
    this.#port = port;
    port.open((error) => {
      if (this.#port !== port) {
        if (!error) port.close(() => undefined); // stopped while opening
        return;
      }
      if (error) {
        this.#port = undefined;
        this.emit('openFailed', error);
        this.#retryLater();
        return;
      }
      port.on('data', (chunk) => this.emit('data', chunk));
      // serialport may emit 'close' twice (plain, then with the DisconnectedError): the guard in #closed keeps one.
      port.on('close', (closeError) => this.#closed(port, closeError ?? undefined));
      port.on('error', (portError) => {
        this.#closed(port, portError);
        if (port.isOpen) port.close(() => undefined);
      });
      const opened = (): void => {
        if (this.#port !== port) return;
        if (!this.#started) {
          port.close(() => undefined);
          this.#closed(port, undefined);
          return;
        }
        this.#open = true;
        this.#delay = this.#options.reconnectMs ?? 500;
        this.#scheduleProbe();
        this.emit('open');
      };
      if (this.#options.dtr === false) {
        // Errors ignored: a PTY has no modem lines (ENOTTY), and a sign on an adapter that
        // cannot lower DTR is no worse off than one never asked to.
        port.set({ dtr: false }, () => opened());
      } else {
        opened();
      }
    });
  }

  #closed(port: SerialPortLike, error: Error | undefined): void {
    if (this.#port !== port) return;
    this.#port = undefined;
    port.removeAllListeners();
    port.on('error', () => undefined); // late errors from a port we gave up on
    const wasOpen = this.#open;
    this.#open = false;
    this.#cancelProbe?.();
    for (const settle of [...this.#pending]) settle(error ?? new SerialLineError('not_open', `${this.settings.path} closed`));
    if (wasOpen) this.emit('close', error);
    this.#retryLater();
  }

  #retryLater(): void {
    if (this.#options.reconnect === false) this.#started = false;
    if (!this.#started) return;
    const delay = this.#delay;
    this.#delay = Math.min(delay * 2, this.#options.maxReconnectMs ?? 10_000);
    this.#cancelTimer?.();
    this.#cancelTimer = this.#clock.setTimer(() => this.#connect(), delay);
  }

  #scheduleProbe(): void {
    this.#cancelProbe?.();
    const every = this.#options.probeIntervalMs ?? 5000;
    if (every <= 0) return;
    this.#cancelProbe = this.#clock.setTimer(() => {
      this.#cancelProbe = undefined;
      if (!this.#open) return;
      if (this.#pending.size > 0) return this.#scheduleProbe(); // a write is still draining: that one will tell
      this.write(this.#options.probeBytes ?? Buffer.from([0])).catch(() => undefined); // a failure closes the port
    }, every);
  }
}
