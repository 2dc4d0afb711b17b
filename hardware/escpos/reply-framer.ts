import { isAsbFirstByte, isEotReply, isPlainStatusByte } from './status.ts';

/** XON / XOFF (DC1 / DC3): software flow control from the printer (docs/protocols/escpos.md §4). */
export const XON = 0x11;
export const XOFF = 0x13;

/** One item on the printer's RX line, in arrival order. */
export type RxEvent =
  /** A `DLE EOT n` reply (`0xx1xx10`): real-time, answered ahead of buffered data. */
  | { type: 'eot'; byte: number }
  /** An Automatic Status Back frame: `0xx1xx00` then three `0xx0xxxx` bytes (§3). */
  | { type: 'asb'; bytes: [number, number, number, number] }
  /** A non-real-time one-byte reply (`0xx0xxxx`): here the `GS r 1` barrier (§5). */
  | { type: 'gsr'; byte: number }
  /** The printer asks the host to stop sending. */
  | { type: 'xoff' }
  /** The printer may take data again. */
  | { type: 'xon' };

export type Reply = Extract<RxEvent, { type: 'eot' | 'asb' | 'gsr' }>;

export const isReply = (event: RxEvent): event is Reply => event.type !== 'xon' && event.type !== 'xoff';

/**
 * The framing layer of the printer's RX stream (§4, Citizen CT-S310 patterns): feed it
 * chunks as they arrive, get replies back. It never throws and keeps at most one partial
 * ASB frame, so bytes split across reads decode the same as whole ones.
 *
 * Resynchronisation rules, chosen so valid replies survive line noise:
 * - XON/XOFF are reported and dropped wherever they appear, even inside an ASB frame
 *   (their bit4 = 1 with low bits 01/11 fits no reply, so they are unambiguous).
 * - Inside an ASB frame a DLE EOT reply is emitted and the frame goes on (a real-time
 *   reply may overtake); a new ASB first byte abandons the partial frame; any other byte
 *   that cannot continue the frame (bit7 set, or another bit4 = 1 pattern) is dropped as
 *   noise and the frame goes on.
 * - Outside a frame a byte matching no pattern is dropped.
 * Every byte is in exactly one of: an emitted reply, a flow-control event, `discarded`,
 * or `pending` (the partial frame).
 */
export class ReplyFramer {
  #frame: number[] | undefined;
  #discarded = 0;

  /** Bytes dropped so far: noise, and abandoned partial ASB frames. */
  get discarded(): number {
    return this.#discarded;
  }

  /** Bytes of a partial ASB frame waiting for the rest. */
  get pending(): number {
    return this.#frame?.length ?? 0;
  }

  feed(chunk: Uint8Array): RxEvent[] {
    const events: RxEvent[] = [];
    for (const byte of chunk) {
      const event = this.#next(byte);
      if (event) events.push(event);
    }
    return events;
  }

  /** Forgets a partial frame (the line was reopened); counts it as discarded. */
  reset(): void {
    this.#discarded += this.pending;
    this.#frame = undefined;
  }

  #next(byte: number): RxEvent | undefined {
    if (byte === XON) return { type: 'xon' };
    if (byte === XOFF) return { type: 'xoff' };
    if (isEotReply(byte)) return { type: 'eot', byte };
    if (isAsbFirstByte(byte)) {
      this.reset();
      this.#frame = [byte];
      return undefined;
    }
    if (!isPlainStatusByte(byte)) {
      this.#discarded++;
      return undefined;
    }
    if (!this.#frame) return { type: 'gsr', byte };
    this.#frame.push(byte);
    if (this.#frame.length < 4) return undefined;
    const [b1, b2, b3, b4] = this.#frame as [number, number, number, number];
    this.#frame = undefined;
    return { type: 'asb', bytes: [b1, b2, b3, b4] };
  }
}

/** The wire bytes of a reply (for tests and the emulator). */
export function replyBytes(reply: Reply): number[] {
  return reply.type === 'asb' ? [...reply.bytes] : [reply.byte];
}
