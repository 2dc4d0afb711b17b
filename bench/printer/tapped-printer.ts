// The behaving ESC/POS printer emulator with the bench's tap on its serial line: every
// byte it receives is kept (to count and check each job's bytes afterwards), each cut
// ticket is timestamped on arrival (performance.now(), the same clock as the kiosk's
// requests), and the flow-control bytes it sends back are counted.
import { enableAsb, initialise, selectCodeTable } from '../../hardware/escpos/commands.ts';
import { PrinterEmulator } from '../../hardware/escpos/printer-emulator.ts';
import type { PrintedTicket } from '../../hardware/escpos/print-model.ts';
import { XOFF, XON } from '../../hardware/escpos/reply-framer.ts';

/** A ticket as it came out of the printer, and when its cut (its last byte that prints) was executed. */
export interface Cut {
  at: number;
  /** The QR payload: the ticket id. */
  qr: string | undefined;
  ticket: PrintedTicket;
}

/** One job as received: everything up to and including the driver's job suffix `GS r 1` `GS a n`. */
export interface ReceivedJob {
  /** The job's bytes (`ESC @` … cut, `GS r 1`, `GS a n`), without real-time status queries. */
  bytes: Buffer;
  /** Bytes before the job's `ESC @` in its segment that are not status queries (the connect sequence). */
  other: number;
  /** When the read holding the job's first byte arrived. */
  startAt: number;
}

const DLE = 0x10;
const EOT = 0x04;
/** Every job the hub's driver writes ends with the `GS r 1` barrier, then `GS a 0x0E` (escpos-printer.ts `print`). */
const JOB_END = Buffer.from([0x1d, 0x72, 0x01, ...enableAsb()]);
/** Every ticket job starts `ESC @`, `ESC t 0` (ticket-bytes.ts). */
const JOB_START = Buffer.concat([initialise(), selectCodeTable(0)]);

export class TappedPrinter extends PrinterEmulator {
  readonly cuts: Cut[] = [];
  readonly #chunks: Buffer[] = [];
  /** Per read: when it arrived, and the stream offset just past it. */
  readonly #chunkAt: number[] = [];
  readonly #chunkEnd: number[] = [];
  receivedBytes = 0;
  receiveCalls = 0;
  /** Most bytes waiting in the receive buffer after a read. */
  maxBuffered = 0;
  xoff = 0;
  xon = 0;
  transmittedBytes = 0;

  constructor() {
    super();
    this.on('ticket', (ticket) => this.cuts.push({ at: performance.now(), qr: ticket.qrCodes[0], ticket }));
    this.on('transmit', (bytes) => {
      this.transmittedBytes += bytes.length;
      for (const byte of bytes) {
        if (byte === XOFF) this.xoff++;
        if (byte === XON) this.xon++;
      }
    });
  }

  override receive(bytes: Uint8Array): void {
    this.#chunkAt.push(performance.now());
    this.#chunkEnd.push(this.receivedBytes + bytes.length);
    this.#chunks.push(Buffer.from(bytes));
    this.receivedBytes += bytes.length;
    this.receiveCalls++;
    super.receive(bytes);
    if (this.buffered > this.maxBuffered) this.maxBuffered = this.buffered;
  }

  /** Everything received so far, in order. */
  received(): Buffer {
    return Buffer.concat(this.#chunks);
  }

  /** When the read holding stream byte `offset` arrived. */
  #arrival(offset: number): number {
    let lo = 0;
    let hi = this.#chunkEnd.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#chunkEnd[mid]! > offset) hi = mid;
      else lo = mid + 1;
    }
    return this.#chunkAt[lo] ?? NaN;
  }

  /**
   * Splits what was received into jobs: status queries (`DLE EOT n`, real-time, sent
   * between jobs) are taken out and timestamped, the rest is cut after each job suffix.
   * `trailing` is what follows the last suffix (nothing, when every job arrived whole).
   */
  jobs(): { jobs: ReceivedJob[]; statusQueries: number[]; trailing: number } {
    const all = this.received();
    const kept: number[] = [];
    const origin: number[] = [];
    const statusQueries: number[] = [];
    for (let i = 0; i < all.length; i++) {
      if (all[i] === DLE && all[i + 1] === EOT && i + 2 < all.length && all[i + 2]! >= 1 && all[i + 2]! <= 4) {
        statusQueries.push(this.#arrival(i + 2));
        i += 2;
        continue;
      }
      kept.push(all[i]!);
      origin.push(i);
    }
    const stream = Buffer.from(kept);
    const jobs: ReceivedJob[] = [];
    let from = 0;
    for (let end = stream.indexOf(JOB_END, from); end >= 0; end = stream.indexOf(JOB_END, from)) {
      const segment = stream.subarray(from, end + JOB_END.length);
      const start = Math.max(0, segment.indexOf(JOB_START));
      jobs.push({ bytes: segment.subarray(start), other: start, startAt: this.#arrival(origin[from + start]!) });
      from = end + JOB_END.length;
    }
    return { jobs, statusQueries, trailing: stream.length - from };
  }
}
