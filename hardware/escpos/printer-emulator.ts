import { EventEmitter } from 'node:events';
import { EscposError } from './errors.ts';
import { openDeviceEnd } from '../serial/device-end.ts';
import type { LoopbackDevice } from '../serial/loopback-binding.ts';
import type { SerialBinding } from '../serial/serial-binding.ts';
import { EscposParser, type EscposCommand } from './escpos-parser.ts';
import { PrintModel, type PrintedTicket } from './print-model.ts';
import { RealtimeScanner } from './realtime-scanner.ts';
import { ReceiveBuffer } from './receive-buffer.ts';
import { asbFrameBytes, eotReplyByte, paperStatusByte, type PrinterMechanism } from './status-bytes.ts';

export type PaperLevel = 'ok' | 'nearEnd' | 'end';

export interface PrinterEmulatorOptions {
  /** Characters per line at normal size (48: 80 mm paper, font A). */
  columns?: number;
  /** Receive buffer; XOFF when 256 bytes or fewer are free, XON at 512; overflow is lost. Default 4096. */
  bufferSize?: number;
  /** Whether a near-end sensor is fitted (otherwise near-end bits stay 0, §2 n = 4). Default true. */
  nearEndSensor?: boolean;
}

export interface PrinterEmulatorEvents {
  /** Bytes the printer sent to the host (status replies, ASB, XON/XOFF). */
  transmit: [Buffer];
  /** A ticket was cut off. */
  ticket: [PrintedTicket];
  /** The attached line went away (error: why, if it failed). */
  detach: [Error | undefined];
}

interface Link {
  deliver(bytes: Buffer): void;
  close(): Promise<void>;
}

/**
 * A behaving ESC/POS printer (docs/protocols/escpos.md §8), in-process (`receive` +
 * 'transmit', or `attachLoopback` for the driver) or on a serial device (`attachSerial`).
 *
 * - A real-time scanner sees every received byte first and answers `DLE EOT n` at once,
 *   also inside other commands' data and while offline (§2); `DLE ENQ 1/2` clears a
 *   cutter error (2 also drops the buffer).
 * - Received bytes are buffered and executed in order by `EscposParser` → `PrintModel`
 *   only while able: online, cover closed, paper not at its end, no cutter error. Paper
 *   end stops execution mid-job and holds the rest (no `GS r` reply); loading paper with
 *   the cover closed executes what was held (§8).
 * - `GS a n` sends the 4-byte ASB frame at once and again on every change of an enabled
 *   group; `ESC @` disables ASB (the harsher reading of the manuals, so a driver must
 *   re-enable it after each job). `GS r 1` answers when reached, in order (§5).
 */
export class PrinterEmulator extends EventEmitter<PrinterEmulatorEvents> {
  readonly model: PrintModel;
  readonly #nearEndSensor: boolean;
  readonly #parser = new EscposParser();
  readonly #buffer: ReceiveBuffer;
  readonly #scanner = new RealtimeScanner();
  #paper: PaperLevel = 'ok';
  #linesLeft: number | undefined;
  #coverOpen = false;
  #online = true;
  #cutterError = false;
  #asbMask = 0;
  #asbSent: [number, number, number] | undefined;
  #running = false;
  #link: Link | undefined;
  readonly counters = { received: 0, eotReplies: 0, statusReplies: 0, asbFrames: 0 };

  constructor(options: PrinterEmulatorOptions = {}) {
    super();
    this.model = new PrintModel(options.columns ?? 48);
    this.#buffer = new ReceiveBuffer(Math.max(1024, options.bufferSize ?? 4096));
    this.#nearEndSensor = options.nearEndSensor ?? true;
  }

  get paper(): PaperLevel {
    return this.#paper;
  }
  get coverOpen(): boolean {
    return this.#coverOpen;
  }
  get online(): boolean {
    return this.#online;
  }
  get cutterError(): boolean {
    return this.#cutterError;
  }
  /** Whether received data is being executed (the printer is not offline). */
  get executing(): boolean {
    return this.#online && !this.#coverOpen && this.#paper !== 'end' && !this.#cutterError;
  }
  /** Bytes received and not yet executed. */
  get buffered(): number {
    return this.#buffer.length;
  }
  /** Bytes lost because the receive buffer was full. */
  get lost(): number {
    return this.#buffer.lost;
  }
  get tickets(): readonly PrintedTicket[] {
    return this.model.tickets;
  }
  get attached(): boolean {
    return this.#link !== undefined;
  }

  /** Paper roll: `end` stops printing (offline) until paper is loaded and the cover closed. */
  setPaper(level: PaperLevel): void {
    this.#paper = level;
    if (level !== 'end') this.#linesLeft = undefined;
    this.#changed();
  }

  /** The roll runs out after `lines` more lines (mid-ticket paper end); undefined = plenty. */
  setPaperLinesLeft(lines: number | undefined): void {
    this.#linesLeft = lines;
    if (lines !== undefined && lines <= 0) this.setPaper('end');
  }

  setCoverOpen(open: boolean): void {
    this.#coverOpen = open;
    this.#changed();
  }

  /** Offline for any other reason (e.g. the panel): executes nothing, still answers DLE EOT. */
  setOnline(online: boolean): void {
    this.#online = online;
    this.#changed();
  }

  /** An auto-cutter jam: offline until `DLE ENQ 1/2` or `setCutterError(false)`. */
  setCutterError(jammed: boolean): void {
    this.#cutterError = jammed;
    this.#changed();
  }

  /** The 1-byte reply to `DLE EOT n` for the current state (§2), or undefined for other n. */
  eotReply(n: number): number | undefined {
    return eotReplyByte(this.#mechanism(), n);
  }

  /** The 4-byte ASB frame for the current state (§3). */
  asbFrame(): [number, number, number, number] {
    return asbFrameBytes(this.#mechanism());
  }

  #mechanism(): PrinterMechanism {
    return { paper: this.#paper, coverOpen: this.#coverOpen, cutterError: this.#cutterError, executing: this.executing, nearEndSensor: this.#nearEndSensor };
  }

  /** Bytes from the host. */
  receive(bytes: Uint8Array): void {
    this.counters.received += bytes.length;
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (this.#realtime(bytes[i]!) !== 'clear') continue;
      // DLE ENQ 2: what was received up to here is dropped, what follows is kept.
      this.#buffer.clear();
      this.#parser.reset();
      start = i + 1;
      this.#changed();
    }
    this.#buffer.append(bytes.subarray(start));
    this.#run();
  }

  /**
   * Serves the printer at an in-process loopback port: each time a host opens it, that
   * host is attached (one at a time: while something else is attached the host is hung
   * up on with `emulator_attached`), and its closing detaches it.
   */
  attachLoopback(device: LoopbackDevice): void {
    let link: Link | undefined;
    device.on('hostOpen', () => {
      if (this.#link) return device.hangUp(new EscposError('emulator_attached', 'something is already attached to the emulated printer'));
      const attached: Link = { deliver: (bytes) => device.toHost(bytes), close: async () => device.hangUp() };
      link = attached;
      this.#link = attached;
    });
    device.on('hostBytes', (bytes) => link && this.#link === link && this.receive(bytes));
    device.on('hostClose', () => {
      if (link && this.#link === link) this.#detach(undefined);
      link = undefined;
    });
  }

  /** Serves the printer on a serial device (the device end of a PTY pair, or an adapter wired to a real host). */
  async attachSerial(path: string, options: { baudRate?: number; binding?: SerialBinding } = {}): Promise<{ close(): Promise<void> }> {
    if (this.#link) throw new EscposError('emulator_attached', 'something is already attached to the emulated printer');
    let link: Link = { deliver: () => undefined, close: async () => undefined };
    this.#link = link; // held while opening: one attachment at a time
    const current = (): boolean => this.#link === link;
    try {
      const settings = { path, baudRate: options.baudRate ?? 19_200, dataBits: 8, parity: 'none', stopBits: 1 } as const;
      const end = await openDeviceEnd(settings, { received: (bytes) => current() && this.receive(bytes), ended: (error) => current() && this.#detach(error) }, options);
      link = { deliver: (bytes) => end.transmit(bytes), close: () => end.close() };
      this.#link = link;
    } catch (error) {
      if (current()) this.#link = undefined;
      throw new EscposError('serial_open_failed', `the emulated printer cannot serve ${path}: ${(error as Error).message}`, { cause: error });
    }
    return { close: () => link.close() };
  }

  /** Ends the attached connection (the host sees its port lost). The printer keeps its state and can be attached again. */
  async close(): Promise<void> {
    const link = this.#link;
    if (!link) return;
    this.#detach(undefined);
    await link.close();
  }

  #detach(error: Error | undefined): void {
    if (!this.#link) return;
    this.#link = undefined;
    // What was received of an unfinished job is gone with the line (as a USB printer
    // re-enumerating drops it), so a reprint after reconnecting is not eaten by it.
    this.#buffer.reset();
    this.#parser.reset();
    this.emit('detach', error);
  }

  #transmit(bytes: number[]): void {
    const out = Buffer.from(bytes);
    this.emit('transmit', out);
    this.#link?.deliver(out);
  }

  /** §2: `DLE EOT n` and `DLE ENQ n` act on receipt, wherever they appear. */
  #realtime(byte: number): 'clear' | undefined {
    const command = this.#scanner.push(byte);
    if (command?.fn === 'eot') {
      this.counters.eotReplies++;
      this.#transmit([this.eotReply(command.n)!]);
    } else if (command?.fn === 'enq' && this.#cutterError) {
      // Recovers from recoverable errors only; ENQ 2 also clears the buffers.
      this.#cutterError = false;
      if (command.n === 2) return 'clear';
      this.#changed(); // ENQ 1: go on with what is buffered
    }
    return undefined;
  }

  #changed(): void {
    this.#maybeSendAsb();
    this.#run();
  }

  #run(): void {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.executing && this.#buffer.length > 0) {
        for (const command of this.#parser.push(this.#buffer.shift()!)) this.#execute(command);
      }
    } finally {
      this.#running = false;
    }
    const flow = this.#buffer.flowControl();
    if (flow !== undefined) this.#transmit([flow]);
  }

  #execute(command: EscposCommand): void {
    switch (command.type) {
      case 'asb':
        this.#asbMask = command.n;
        this.#asbSent = undefined;
        this.#maybeSendAsb();
        return;
      case 'transmitStatus':
        if (command.n === 1 || command.n === 49) {
          this.counters.statusReplies++;
          this.#transmit([paperStatusByte(this.#mechanism())]); // §5, in order
        } else if (command.n === 2 || command.n === 50) {
          this.#transmit([0x00]);
        }
        return;
      case 'init':
        this.#asbMask = 0;
        break;
    }
    const { lines: used, ticket } = this.model.execute(command);
    if (ticket) this.emit('ticket', ticket);
    if (used > 0 && this.#linesLeft !== undefined) {
      this.#linesLeft -= used;
      if (this.#linesLeft <= 0) {
        this.#linesLeft = undefined;
        this.#paper = 'end';
        this.#maybeSendAsb();
      }
    }
  }

  #maybeSendAsb(): void {
    if (this.#asbMask === 0) return;
    const [b1, b2, b3, b4] = this.asbFrame();
    const previous = this.#asbSent;
    const changed = !previous || (this.#asbMask & 0x02 && previous[0] !== b1) || (this.#asbMask & 0x04 && previous[1] !== b2) || (this.#asbMask & 0x08 && previous[2] !== b3);
    if (!changed) return;
    this.#asbSent = [b1, b2, b3];
    this.counters.asbFrames++;
    this.#transmit([b1, b2, b3, b4]);
  }
}
