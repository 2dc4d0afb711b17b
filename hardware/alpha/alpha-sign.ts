import { EventEmitter } from 'node:events';
import { AlphaError } from './alpha-errors.ts';
import { ACK, encodePacketSegments, isGroupAddress, NAK, NESTING_PAUSE_MS, normaliseAddress, type AlphaPacket } from './alpha-frame.ts';
import { DEFAULT_FILE, fieldsForLines, writeTextPacket, type AlphaMode, type AlphaPositionName } from './alpha-text.ts';
import { doublingDelayMs } from '../../runtime/backoff.ts';
import { systemClock, type Clock } from '../../runtime/clock.ts';
import { boardLine, type BoardLineOptions } from '../serial/board-line.ts';
import type { SerialLine } from '../serial/serial-line.ts';

/**
 * Driver for Alpha Sign protocol hall boards on one RS-485 line (docs/protocols/alpha-sign.md):
 * layered framing (alpha-frame.ts) → payload codec (alpha-text.ts) → this device. Sends
 * the latest text per address and file, one packet at a time (RS-485 is half duplex and
 * an ACK names no sender), and resends it after the line comes back.
 *
 * ACK/NAK mode (the signs must have it enabled, §6): a packet to one sign waits for
 * `06`; `15` (NAK: the sign saw a bad checksum) or silence is retried with backoff. When the
 * retries run out the sign is reported `unhealthy` and retried with longer backoff until
 * it ACKs (`healthy`) or newer text replaces it. Broadcast and wildcard packets are never
 * acknowledged: several signs answering at once would collide on the bus.
 */

/** `path` is the RS-485 adapter's; the line defaults to 9600 baud, 7E1, DTR lowered (docs/protocols/alpha-sign.md §1). */
export interface AlphaSignOptions extends BoardLineOptions {
  /** Wait for ACK/NAK after each packet to one sign. Default false. */
  ackNak?: boolean;
  /** How long to wait for ACK/NAK after the packet drained. Default 500. */
  ackTimeoutMs?: number;
  /** Attempts after the first before `show` rejects and the sign is reported. Default 2. */
  retries?: number;
  /** Backoff before retry n: `retryBaseMs · 2^(n−1)`, at most `retryMaxMs`. Defaults 250 / 30 000. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** File written by `show` (default `A`), its mode (default hold) and one-line position (default middle). */
  fileLabel?: string;
  mode?: AlphaMode;
  position?: AlphaPositionName;
  /** Send ETX + checksum (default true: a sign drops a corrupted packet instead of showing it). */
  checksum?: boolean;
}

export interface AlphaBoardHealth {
  healthy: boolean;
  /** Why it is unhealthy: `no_answer` or `rejected`. */
  code?: 'no_answer' | 'rejected';
  message?: string;
  /** When it last changed (clock ms). */
  since: number;
}

export interface AlphaSignEvents {
  connected: [];
  disconnected: [Error | undefined];
  unhealthy: [{ address: string; code: 'no_answer' | 'rejected'; message: string }];
  healthy: [{ address: string }];
  /** A packet reached the line (and was ACKed, when it asked for one). */
  delivered: [{ address: string; key: string; attempts: number; acknowledged: boolean }];
}

interface Waiter {
  resolve(): void;
  reject(error: AlphaError): void;
}

interface Job {
  key: string;
  address: string;
  segments: Buffer[];
  waiters: Waiter[];
  attempts: number;
  dueAt: number;
}

type Outcome = 'ack' | 'nak' | 'timeout' | 'sent' | 'line';

export class AlphaSign extends EventEmitter<AlphaSignEvents> {
  readonly #options: AlphaSignOptions;
  readonly #clock: Clock;
  readonly #line: SerialLine;
  /** Latest content per key not yet delivered, in submission order. */
  readonly #jobs = new Map<string, Job>();
  /** Last delivered content per key, replayed when the line comes back. */
  readonly #delivered = new Map<string, Job>();
  readonly #health = new Map<string, AlphaBoardHealth>();
  #pumping = false;
  #cancelWake: (() => void) | undefined;
  #answer: ((outcome: Outcome) => void) | undefined;

  constructor(options: AlphaSignOptions) {
    super();
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    // DTR lowered: some signs reset when it rises (docs/protocols/alpha-sign.md §1).
    this.#line = boardLine(options, { baudRate: 9600, dataBits: 7, parity: 'even', stopBits: 1, dtr: false }, this.#clock);
    this.#line.on('open', () => this.#opened());
    this.#line.on('close', (error) => {
      this.#answer?.('line');
      this.emit('disconnected', error);
    });
    this.#line.on('data', (chunk) => {
      for (const byte of chunk) if (byte === ACK || byte === NAK) this.#answer?.(byte === ACK ? 'ack' : 'nak');
    });
  }

  get connected(): boolean {
    return this.#line.isOpen;
  }

  /** Line state and, in ACK/NAK mode, each sign heard from or given up on. */
  health(): { connected: boolean; boards: Record<string, AlphaBoardHealth> } {
    return { connected: this.connected, boards: Object.fromEntries(this.#health) };
  }

  /** Opens the line (and keeps reopening it). */
  start(): void {
    this.#line.start();
  }

  /** Closes the line; pending `show`s reject with `stopped`. */
  async stop(): Promise<void> {
    this.#cancelWake?.();
    for (const job of this.#jobs.values()) settle(job, new AlphaError('stopped', 'the Alpha sign driver stopped'));
    this.#jobs.clear();
    await this.#line.stop();
  }

  /**
   * Shows `lines` (e.g. `"A042 -> 5"`; a string is one line) on the sign at `address`
   * ("00" = every sign): file `fileLabel`, one line in `position`, two top/bottom, three
   * top/middle/bottom, in `mode`. `label: '0'` writes the priority file; `[]` there
   * clears it (§5). Resolves once sent (and ACKed in ACK/NAK mode); rejects with an
   * `AlphaError` — the text is still delivered later unless the code is `superseded`,
   * `stopped` or invalid input (`address_invalid`, `field_invalid`, `text_invalid`).
   */
  show(address: string | number, lines: string | readonly string[], options: { label?: string; mode?: AlphaMode } = {}): Promise<void> {
    try {
      const label = options.label ?? this.#options.fileLabel ?? DEFAULT_FILE;
      const fields = fieldsForLines(typeof lines === 'string' ? [lines] : lines, options.mode ?? this.#options.mode ?? 'hold', this.#options.position ?? 'middle');
      const packet = writeTextPacket(address, label, fields, { checksum: this.#options.checksum ?? true });
      return this.send(packet, `${packet.address}/${label}`);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Sends any packet; a later one with the same `key` replaces it if it is not yet delivered. */
  send(packet: AlphaPacket, key?: string): Promise<void> {
    let job: Job;
    try {
      const address = normaliseAddress(packet.address);
      job = { key: key ?? `${address}/*`, address, segments: encodePacketSegments(packet), waiters: [], attempts: 0, dueAt: this.#clock.now() };
    } catch (error) {
      return Promise.reject(error);
    }
    const done = new Promise<void>((resolve, reject) => job.waiters.push({ resolve, reject }));
    const previous = this.#jobs.get(job.key);
    if (previous) settle(previous, new AlphaError('superseded', `newer content for ${job.key} replaced this one`));
    this.#jobs.delete(job.key); // re-inserted last: submission order
    this.#jobs.set(job.key, job);
    if (!this.connected) settle(job, new AlphaError('not_connected', `${this.#options.path} is not open; ${job.key} is sent once it is`));
    this.#pump();
    return done;
  }

  #opened(): void {
    const now = this.#clock.now();
    for (const job of this.#jobs.values()) job.dueAt = now;
    for (const [key, job] of this.#delivered) {
      if (!this.#jobs.has(key)) this.#jobs.set(key, { ...job, waiters: [], attempts: 0, dueAt: now });
    }
    this.emit('connected');
    this.#pump();
  }

  /** Sends due jobs one at a time; sleeps on the clock until the next one falls due. */
  #pump(): void {
    if (this.#pumping || !this.connected) return;
    this.#cancelWake?.();
    this.#cancelWake = undefined;
    const now = this.#clock.now();
    const jobs = [...this.#jobs.values()];
    const job = jobs.find((candidate) => candidate.dueAt <= now);
    if (!job) {
      if (jobs.length > 0) this.#cancelWake = this.#clock.setTimer(() => this.#pump(), Math.min(...jobs.map((j) => j.dueAt)) - now);
      return;
    }
    this.#pumping = true;
    void this.#transmit(job).then((outcome) => {
      this.#pumping = false;
      this.#settled(job, outcome);
      this.#pump();
    });
  }

  async #transmit(job: Job): Promise<Outcome> {
    job.attempts++;
    const expectAnswer = (this.#options.ackNak ?? false) && !isGroupAddress(job.address);
    // Listen before writing: a quick sign may answer before the drain callback runs.
    const answered = expectAnswer ? new Promise<Outcome>((resolve) => (this.#answer = resolve)) : undefined;
    try {
      for (const [index, segment] of job.segments.entries()) {
        if (index > 0) await new Promise<void>((resolve) => this.#clock.setTimer(resolve, NESTING_PAUSE_MS));
        await this.#line.write(segment);
      }
    } catch {
      this.#answer = undefined;
      return 'line';
    }
    if (!answered) return 'sent';
    const cancel = this.#clock.setTimer(() => this.#answer?.('timeout'), this.#options.ackTimeoutMs ?? 500);
    const outcome = await answered;
    cancel();
    this.#answer = undefined;
    return outcome;
  }

  #settled(job: Job, outcome: Outcome): void {
    const current = this.#jobs.get(job.key) === job;
    // A NAK proves the sign is alive but not that it is well: only an ACK clears a report.
    if (outcome === 'ack') this.#mark(job.address, undefined);
    if (outcome === 'ack' || outcome === 'sent') {
      if (current) this.#jobs.delete(job.key);
      this.#delivered.set(job.key, job);
      settle(job);
      this.emit('delivered', { address: job.address, key: job.key, attempts: job.attempts, acknowledged: outcome === 'ack' });
      return;
    }
    if (!current) return; // replaced while in flight: the newer content goes next
    if (outcome === 'line') {
      settle(job, new AlphaError('line_dropped', `${this.#options.path} failed or closed while sending to ${job.address}; resent after reconnect`));
      // Still open (a write that never drained): back off instead of piling writes onto it.
      if (this.connected) job.dueAt = this.#clock.now() + this.#backoff(job.attempts);
      return;
    }
    const code = outcome === 'nak' ? 'rejected' : 'no_answer';
    const retries = this.#options.retries ?? 2;
    if (job.attempts > retries) {
      const message =
        code === 'rejected'
          ? `sign ${job.address} answered NAK (bad checksum) ${job.attempts} times`
          : `sign ${job.address} did not ACK within ${this.#options.ackTimeoutMs ?? 500} ms, ${job.attempts} times`;
      settle(job, new AlphaError(code, `${message}; still retrying`));
      this.#mark(job.address, { code, message });
    }
    job.dueAt = this.#clock.now() + this.#backoff(job.attempts);
  }

  #backoff(attempts: number): number {
    return doublingDelayMs(attempts - 1, this.#options.retryBaseMs ?? 250, this.#options.retryMaxMs ?? 30_000);
  }

  /** Records a sign's health; emits only on change. `problem` undefined = it answered. */
  #mark(address: string, problem: { code: 'no_answer' | 'rejected'; message: string } | undefined): void {
    const before = this.#health.get(address);
    if (problem === undefined) {
      if (before?.healthy) return;
      this.#health.set(address, { healthy: true, since: this.#clock.now() });
      this.emit('healthy', { address });
    } else if (before?.healthy !== false || before.code !== problem.code) {
      this.#health.set(address, { healthy: false, ...problem, since: this.#clock.now() });
      this.emit('unhealthy', { address, ...problem });
    }
  }
}

/** Resolves (no error) or rejects every waiter of `job`, once. */
function settle(job: Job, error?: AlphaError): void {
  const waiters = job.waiters.splice(0);
  for (const waiter of waiters) {
    if (error) waiter.reject(error);
    else waiter.resolve();
  }
}
