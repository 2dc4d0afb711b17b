import { XOFF, XON } from './reply-framer.ts';

/** Flow-control thresholds in free bytes (Epson-style: XOFF near full, XON once half drained). */
const XOFF_FREE = 256;
const XON_FREE = 512;

/**
 * The printer's receive buffer: bytes wait here until the mechanism executes them.
 * Bytes beyond its size are lost (counted), as on a real printer whose host ignored
 * XOFF. `flowControl()` says when to send XOFF (256 bytes or fewer free) and XON again
 * (512 or more free), each once per crossing (docs/protocols/escpos.md §4).
 */
export class ReceiveBuffer {
  readonly size: number;
  #bytes: Buffer = Buffer.alloc(0);
  #head = 0;
  #held = false;
  /** Bytes that did not fit. */
  lost = 0;

  constructor(size: number) {
    this.size = size;
  }

  get length(): number {
    return this.#bytes.length - this.#head;
  }

  append(bytes: Uint8Array): void {
    const room = this.size - this.length;
    if (bytes.length > room) this.lost += bytes.length - room;
    if (room <= 0 || bytes.length === 0) return;
    this.#bytes = Buffer.concat([this.#bytes.subarray(this.#head), bytes.subarray(0, room)]);
    this.#head = 0;
  }

  /** The next byte to execute, taken out of the buffer. */
  shift(): number | undefined {
    if (this.#head >= this.#bytes.length) return undefined;
    return this.#bytes[this.#head++];
  }

  clear(): void {
    this.#bytes = Buffer.alloc(0);
    this.#head = 0;
  }

  /** The flow-control byte to send now, if any; `reset` forgets an XOFF sent (a new line). */
  flowControl(): number | undefined {
    const free = this.size - this.length;
    if (!this.#held && free <= XOFF_FREE) {
      this.#held = true;
      return XOFF;
    }
    if (this.#held && free >= XON_FREE) {
      this.#held = false;
      return XON;
    }
    return undefined;
  }

  reset(): void {
    this.clear();
    this.#held = false;
  }
}
