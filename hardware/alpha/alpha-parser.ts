import { EOT, ETX, PACKET_GAP_MS, SOH, STX, type AlphaBlock } from './alpha-frame.ts';

/**
 * Streaming decoder for Alpha packets, as a sign reads them (docs/protocols/alpha-sign.md
 * §8: skip NULs → SOH → type → 2-char address filter → STX blocks → EOT/timeout).
 * Pure: the caller passes the arrival time of each chunk, and calls `expire` when the
 * line has been quiet, so a gap of more than ~1 s ends a packet without further bytes.
 * Never throws on input: anything that is not a packet is skipped until the next SOH.
 */

export interface DecodedAlphaBlock extends AlphaBlock {
  /** Checksum present and equal to the sum of STX..ETX, or no checksum sent (§4: optional; ETX alone is no checksum). */
  valid: boolean;
}

export interface DecodedAlphaPacket {
  type: string;
  address: string;
  blocks: DecodedAlphaBlock[];
  /** `eot`: closed by EOT; `gap`: ended by a pause of more than `gapMs` inside the packet. */
  ended: 'eot' | 'gap';
}

export interface AlphaParserOptions {
  /** Quiet time that ends a packet (§2: about a second). */
  gapMs?: number;
  /** Address filter: packets to other addresses are skipped (a sign's own + broadcast). */
  accept?: (address: string) => boolean;
  /** A packet longer than this is dropped, so garbage cannot grow memory without bound. */
  maxPacketBytes?: number;
}

/** Generous for text files (the largest a sign holds is some kilobytes). */
export const MAX_PACKET_BYTES = 64 * 1024;

type State = 'hunt' | 'type' | 'address' | 'stx' | 'command' | 'data' | 'checksum' | 'between' | 'skip';

const isPrintable = (byte: number): boolean => byte >= 0x20 && byte <= 0x7e;
const ADDRESS_CHAR = /^[0-9A-Fa-f?]$/;

export class AlphaPacketParser {
  readonly #gapMs: number;
  readonly #accept: (address: string) => boolean;
  readonly #maxBytes: number;
  #state: State = 'hunt';
  #lastByteAt = Number.NEGATIVE_INFINITY;
  #size = 0;
  #type = '';
  #address = '';
  #blocks: DecodedAlphaBlock[] = [];
  #command = '';
  #data: number[] = [];
  #digits = '';
  #sum = 0;

  constructor(options: AlphaParserOptions = {}) {
    this.#gapMs = options.gapMs ?? PACKET_GAP_MS;
    this.#accept = options.accept ?? (() => true);
    this.#maxBytes = options.maxPacketBytes ?? MAX_PACKET_BYTES;
  }

  /** Whether a packet has started and not yet ended (an `expire` may end it). */
  get inPacket(): boolean {
    return this.#state !== 'hunt';
  }

  /** When the last byte arrived (the clock the caller passes to `feed`). */
  get lastByteAt(): number {
    return this.#lastByteAt;
  }

  /** Packets completed by `bytes`, which arrived at `now` (ms). */
  feed(bytes: Uint8Array, now: number): DecodedAlphaPacket[] {
    const out = this.expire(now);
    for (const byte of bytes) {
      const packet = this.#step(byte);
      if (packet) out.push(packet);
    }
    if (bytes.length > 0) this.#lastByteAt = now;
    return out;
  }

  /** Ends a packet whose last byte is more than `gapMs` old; returns it if it held blocks. */
  expire(now: number): DecodedAlphaPacket[] {
    if (this.#state === 'hunt' || now - this.#lastByteAt <= this.#gapMs) return [];
    const packet = this.#finish('gap');
    return packet ? [packet] : [];
  }

  /** Forgets any partial packet. */
  reset(): void {
    this.#state = 'hunt';
  }

  #step(byte: number): DecodedAlphaPacket | undefined {
    if (byte === SOH) return this.#begin(); // SOH always (re)starts: resynchronises after noise
    if (this.#state === 'hunt' || this.#state === 'skip') return undefined;
    if (++this.#size > this.#maxBytes) return this.#drop();
    switch (this.#state) {
      case 'type':
        if (!isPrintable(byte)) return this.#drop();
        this.#type = String.fromCharCode(byte);
        this.#state = 'address';
        return undefined;
      case 'address': {
        const char = String.fromCharCode(byte);
        if (!ADDRESS_CHAR.test(char)) return this.#drop();
        this.#address += char.toUpperCase();
        if (this.#address.length === 2) this.#state = this.#accept(this.#address) ? 'stx' : 'skip';
        return undefined;
      }
      case 'stx':
        if (byte !== STX) return this.#drop();
        this.#openBlock();
        return undefined;
      case 'command':
        if (byte === STX || byte === ETX || byte === EOT) return this.#frame(byte);
        this.#command = String.fromCharCode(byte);
        this.#sum += byte;
        this.#state = 'data';
        return undefined;
      case 'data':
        if (byte === STX || byte === ETX || byte === EOT) return this.#frame(byte);
        this.#data.push(byte);
        this.#sum += byte;
        return undefined;
      case 'checksum':
        // No digits: a block ended by ETX alone; 1–3 digits: cut short, #closeBlock marks it invalid.
        if (byte === STX || byte === EOT) return this.#frame(byte);
        this.#digits += String.fromCharCode(byte);
        if (this.#digits.length === 4) {
          this.#closeBlock();
          this.#state = 'between';
        }
        return undefined;
      case 'between':
        if (byte === STX || byte === EOT) return this.#frame(byte);
        return this.#drop(); // §2 allows only another block or EOT after a checksum
    }
  }

  /** STX, ETX or EOT inside a block. */
  #frame(byte: number): DecodedAlphaPacket | undefined {
    if (byte === ETX) {
      if (this.#state !== 'data') return this.#drop(); // ETX straight after STX: no command
      this.#sum += byte;
      this.#digits = '';
      this.#state = 'checksum';
      return undefined;
    }
    if (this.#state !== 'between') this.#closeBlock();
    if (byte === STX) {
      this.#openBlock();
      return undefined;
    }
    return this.#finish('eot');
  }

  #begin(): undefined {
    this.#state = 'type';
    this.#size = 1;
    this.#type = '';
    this.#address = '';
    this.#blocks = [];
    return undefined;
  }

  #openBlock(): void {
    this.#state = 'command';
    this.#command = '';
    this.#data = [];
    this.#digits = '';
    this.#sum = STX;
  }

  /**
   * Ends the open block: with ETX and digits, the 4 digits must match the sum; without
   * digits (ETX then STX or EOT, as alphasign-style senders and nested packets write it)
   * or without ETX, it stands (§4: the checksum is optional).
   */
  #closeBlock(): void {
    if (this.#command === '') return; // STX with nothing after it carries no command
    const checksum = this.#state === 'checksum' && this.#digits !== '';
    const valid = !checksum || (/^[0-9A-Fa-f]{4}$/.test(this.#digits) && Number.parseInt(this.#digits, 16) === (this.#sum & 0xffff));
    this.#blocks.push({ command: this.#command, data: Buffer.from(this.#data), checksum, valid });
    this.#command = '';
  }

  #finish(ended: 'eot' | 'gap'): DecodedAlphaPacket | undefined {
    const state = this.#state;
    this.#state = 'hunt';
    if (ended === 'gap' && (state === 'command' || state === 'data' || state === 'checksum')) {
      this.#state = state;
      this.#closeBlock();
      this.#state = 'hunt';
    }
    if (state === 'type' || state === 'address' || state === 'stx' || state === 'skip' || this.#blocks.length === 0) return undefined;
    return { type: this.#type, address: this.#address, blocks: this.#blocks, ended };
  }

  #drop(): undefined {
    this.#state = 'hunt';
    return undefined;
  }
}

/** Every complete packet in `bytes` (one chunk, no gaps): for tests and one-shot decoding. */
export function decodePackets(bytes: Uint8Array, options: AlphaParserOptions = {}): DecodedAlphaPacket[] {
  return new AlphaPacketParser(options).feed(bytes, 0);
}

