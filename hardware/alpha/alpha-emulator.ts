import { EventEmitter } from 'node:events';
import { AlphaBus, type AlphaBusSerialOptions } from './alpha-bus.ts';
import { ACK, ALL_SIGN_TYPES, addressMatches, isGroupAddress, NAK, normaliseAddress, PACKET_GAP_MS } from './alpha-frame.ts';
import { AlphaPacketParser, type DecodedAlphaBlock, type DecodedAlphaPacket } from './alpha-parser.ts';
import { decodeWriteText, PRIORITY_FILE, WRITE_SPECIAL, WRITE_STRING, WRITE_TEXT, type DecodedTextField } from './alpha-text.ts';
import { systemClock, type Clock } from '../../runtime/clock.ts';

/**
 * A behaving Alpha sign (docs/protocols/alpha-sign.md §8): skips NULs, takes packets
 * to its own address or broadcast (`?` wildcards match), checks each block's checksum (a
 * bad one is silently dropped and counted; NAKed in ACK/NAK mode), keeps
 * `files[label] = {position, mode, text}` and what is shown. It sits on an `AlphaBus`
 * (several share one to test multi-drop) or serves a serial device alone.
 *
 * Shown: the priority file `0` while it holds text (§5: it shows over every other file
 * and is cleared by writing it empty), else the text file written last.
 */

export interface AlphaSignEmulatorOptions {
  /** The sign's serial address, `01`–`FF` (default `01`). */
  address?: string | number;
  /** Answer ACK/NAK to packets addressed to this sign alone (default false). */
  ackNak?: boolean;
  /** Type codes taken besides `Z` (all sign types). */
  typeCodes?: readonly string[];
  /** Times the inter-byte gap that ends a packet (§2: about a second). */
  clock?: Clock;
  gapMs?: number;
}

export interface AlphaTextFile {
  /** Of the first mode field: a §5 name (`middle`, `hold`, …), else the raw code; null without one. */
  position: string | null;
  mode: string | null;
  /** The text of every mode field, joined with `\n`. */
  text: string;
  fields: DecodedTextField[];
}

export interface AlphaShown extends AlphaTextFile {
  label: string;
}

export interface AlphaSignEmulatorEvents {
  /** Every packet the sign took (its address, a type it serves), before it is applied. */
  packet: [DecodedAlphaPacket];
  /** What the sign shows changed. */
  shown: [AlphaShown | null];
  /** A block dropped for a bad checksum. */
  rejected: [DecodedAlphaBlock];
  /** The sign answered on the bus. */
  answered: ['ack' | 'nak'];
}

export class AlphaSignEmulator extends EventEmitter<AlphaSignEmulatorEvents> {
  #address: string;
  #ackNak: boolean;
  #answering = true;
  readonly #types: ReadonlySet<string>;
  readonly #clock: Clock;
  readonly #gapMs: number;
  readonly #parser: AlphaPacketParser;
  /** Text files as written (their codes are interpreted when shown: string calls change with the strings). */
  readonly #rawFiles = new Map<string, Buffer>();
  readonly #strings = new Map<string, Buffer>();
  readonly #specials = new Map<string, Buffer>();
  #lastWritten: string | undefined;
  #shown: AlphaShown | null = null;
  #cancelGap: (() => void) | undefined;
  #tap: { transmit(bytes: Buffer): void; disconnect(): void } | undefined;
  /** Blocks dropped for a bad checksum. */
  checksumErrors = 0;
  /** Packets taken (addressed to this sign, of a type it serves). */
  packetsReceived = 0;

  constructor(options: AlphaSignEmulatorOptions = {}) {
    super();
    this.#address = normaliseAddress(options.address ?? '01');
    this.#ackNak = options.ackNak ?? false;
    this.#types = new Set([ALL_SIGN_TYPES, ...(options.typeCodes ?? [])]);
    this.#clock = options.clock ?? systemClock;
    this.#gapMs = options.gapMs ?? PACKET_GAP_MS;
    this.#parser = new AlphaPacketParser({ gapMs: this.#gapMs, accept: (address) => addressMatches(address, this.#address) });
  }

  get address(): string {
    return this.#address;
  }

  /** Text files by label, as last written, as the sign shows them (string calls filled in). */
  get files(): Record<string, AlphaTextFile> {
    return Object.fromEntries([...this.#rawFiles.keys()].map((label) => [label, this.#file(label)!]));
  }

  /** STRING files by label (§9: written with `G`, shown where a text calls them). */
  get strings(): Record<string, string> {
    return Object.fromEntries([...this.#strings].map(([label, data]) => [label, data.toString('latin1')]));
  }

  /** Write-SPECIAL payloads by label, as last written (`7` also changes `address`). */
  get specials(): Record<string, Buffer> {
    return Object.fromEntries(this.#specials);
  }

  /** What the sign shows now, or null before any text arrived. */
  shown(): AlphaShown | null {
    return this.#shown;
  }

  get answering(): boolean {
    return this.#answering;
  }

  /** `false`: a dead board (powered off, cable cut): it hears and answers nothing. */
  setAnswering(answering: boolean): void {
    this.#answering = answering;
    this.#parser.reset();
  }

  setAckNak(enabled: boolean): void {
    this.#ackNak = enabled;
  }

  /** Puts the sign on `bus` (leaving any bus it was on). */
  attach(bus: AlphaBus): void {
    this.#tap?.disconnect();
    this.#tap = bus.connect(this);
  }

  /** Serves this sign alone on a serial device (e.g. a PTY pair's device end); see `AlphaBus.attachSerial`. */
  async attachSerial(path: string, options: AlphaBusSerialOptions = {}): Promise<{ bus: AlphaBus; close(): Promise<void> }> {
    const bus = new AlphaBus();
    this.attach(bus);
    const attachment = await bus.attachSerial(path, options);
    return { bus, close: attachment.close };
  }

  /** Leaves the bus and stops listening. */
  close(): void {
    this.#cancelGap?.();
    this.#tap?.disconnect();
    this.#tap = undefined;
  }

  /** Bytes from the host, as the sign's UART hears them. */
  receive(bytes: Buffer): void {
    if (!this.#answering) return;
    for (const packet of this.#parser.feed(bytes, this.#clock.now())) this.#handle(packet);
    this.#cancelGap?.();
    this.#cancelGap = undefined;
    if (this.#parser.inPacket) {
      // A packet the host stopped sending mid-way ends after the gap (§2), not at the next byte.
      this.#cancelGap = this.#clock.setTimer(() => {
        for (const packet of this.#parser.expire(this.#clock.now())) this.#handle(packet);
      }, this.#gapMs + 1);
    }
  }

  #handle(packet: DecodedAlphaPacket): void {
    if (!this.#types.has(packet.type)) return;
    this.packetsReceived++;
    this.emit('packet', packet);
    let allValid = true;
    for (const block of packet.blocks) {
      if (!block.valid) {
        allValid = false;
        this.checksumErrors++;
        this.emit('rejected', block);
        continue;
      }
      this.#apply(block);
    }
    // Group packets go unanswered: every sign answering at once would collide on the bus.
    if (this.#ackNak && !isGroupAddress(packet.address)) {
      this.#tap?.transmit(Buffer.from([allValid ? ACK : NAK]));
      this.emit('answered', allValid ? 'ack' : 'nak');
    }
  }

  #apply(block: DecodedAlphaBlock): void {
    if (block.command === WRITE_TEXT) {
      if (block.data.length === 0) return;
      const label = String.fromCharCode(block.data[0]!);
      this.#rawFiles.set(label, Buffer.from(block.data));
      if (label !== PRIORITY_FILE) this.#lastWritten = label;
      this.#refreshShown();
    } else if (block.command === WRITE_STRING && block.data.length > 0) {
      this.#strings.set(String.fromCharCode(block.data[0]!), Buffer.from(block.data.subarray(1)));
      this.#refreshShown(); // a shown text that calls it changes with it
    } else if (block.command === WRITE_SPECIAL && block.data.length > 0) {
      const label = String.fromCharCode(block.data[0]!);
      const data = block.data.subarray(1);
      this.#specials.set(label, Buffer.from(data));
      // §3: the Serial Address special function (label `7`) sets the sign's address.
      if (label === '7' && /^[0-9A-Fa-f]{2}$/.test(data.toString('latin1'))) this.#address = normaliseAddress(data.toString('latin1'));
    }
    // Other commands (reads, DOTS) are not emulated: taken and ignored.
  }

  #file(label: string): AlphaTextFile | undefined {
    const raw = this.#rawFiles.get(label);
    const write = raw && decodeWriteText(raw, (called) => this.#strings.get(called));
    if (!write) return undefined;
    const first = write.fields[0];
    return { position: first?.position ?? null, mode: first?.mode ?? null, text: write.fields.map((field) => field.text).join('\n'), fields: write.fields };
  }

  #refreshShown(): void {
    const priority = this.#file(PRIORITY_FILE);
    const label = priority && priority.text !== '' ? PRIORITY_FILE : this.#lastWritten;
    const file = label === undefined ? undefined : this.#file(label);
    const next = file && label !== undefined ? { label, ...file } : null;
    if (JSON.stringify(next) === JSON.stringify(this.#shown)) return;
    this.#shown = next;
    this.emit('shown', next);
  }
}
