/** A real-time command seen in the received stream. */
export type RealtimeCommand = { fn: 'eot'; n: number } | { fn: 'enq'; n: number };

/**
 * Finds `DLE EOT n` (`10 04 n`) and `DLE ENQ n` (`10 05 n`) anywhere in the bytes a
 * printer receives, across chunk boundaries, ahead of the command parser: a printer
 * acts on them at once, also inside other commands' parameters or image data and while
 * offline (docs/protocols/escpos.md §2, §8).
 */
export class RealtimeScanner {
  #before = -1;
  #previous = -1;

  /** Feeds one received byte; returns the real-time command it completes, if any. */
  push(byte: number): RealtimeCommand | undefined {
    const before = this.#before;
    const previous = this.#previous;
    this.#before = previous;
    this.#previous = byte;
    if (before !== 0x10 || (previous !== 0x04 && previous !== 0x05)) return undefined;
    // `10 04 10 04 01`: the first "n" (10) is no selector and starts the next command,
    // so the scanner only restarts after a valid n.
    const valid = previous === 0x04 ? byte >= 1 && byte <= 4 : byte === 1 || byte === 2;
    if (!valid) return undefined;
    this.#before = this.#previous = -1;
    return { fn: previous === 0x04 ? 'eot' : 'enq', n: byte };
  }
}
