// A serial line that keeps to its baud rate, for `--phases paced`: a kernel PTY moves bytes
// as fast as it can copy them, so this puts a relay in the bench process between two
// socat PTY pairs (hub ↔ pair A ↔ relay ↔ pair B ↔ printer emulator) that hands each byte
// on only once a real 8N1 wire at `baud` would have finished carrying it (10 bits a byte),
// one byte after another, in each direction on its own (RS-232 is full duplex). Bytes are
// handed on in small batches by timer (about 1 ms late at worst, plus the bench's own
// event-loop delay). Not modelled: the UART's FIFO and the kernel's tty buffer (a real
// drain() waits for the wire; here it returns once the relay has read the bytes) and the
// printer's mechanism (the emulator executes at once).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { openPtyPair, type PtyPair } from '../../hardware/serial/pty-pair.ts';

interface Pending {
  bytes: Buffer;
  /** When the wire starts carrying the first byte (performance.now(), ms). */
  start: number;
  delivered: number;
}

/** One direction of the wire: bytes in, the same bytes out at the line's pace. */
class PacedDirection {
  readonly #byteMs: number;
  readonly #deliver: (bytes: Buffer) => void;
  readonly #queue: Pending[] = [];
  #freeAt = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Most bytes waiting on this side of the wire at once. */
  maxQueued = 0;
  #queued = 0;
  carried = 0;

  constructor(baud: number, deliver: (bytes: Buffer) => void) {
    this.#byteMs = (10 * 1000) / baud;
    this.#deliver = deliver;
  }

  push(bytes: Buffer): void {
    const start = Math.max(this.#freeAt, performance.now());
    this.#queue.push({ bytes: Buffer.from(bytes), start, delivered: 0 });
    this.#freeAt = start + bytes.length * this.#byteMs;
    this.#queued += bytes.length;
    this.maxQueued = Math.max(this.maxQueued, this.#queued);
    this.#pump();
  }

  #pump(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const now = performance.now();
    const out: Buffer[] = [];
    while (this.#queue.length > 0) {
      const head = this.#queue[0]!;
      const done = Math.min(head.bytes.length, Math.floor((now - head.start) / this.#byteMs + 1e-9));
      if (done > head.delivered) {
        out.push(head.bytes.subarray(head.delivered, done));
        this.#queued -= done - head.delivered;
        head.delivered = done;
      }
      if (head.delivered < head.bytes.length) break;
      this.#queue.shift();
    }
    if (out.length > 0) {
      const bytes = Buffer.concat(out);
      this.carried += bytes.length;
      this.#deliver(bytes);
    }
    const head = this.#queue[0];
    if (head) {
      const next = head.start + (head.delivered + 1) * this.#byteMs;
      this.#timer = setTimeout(() => this.#pump(), Math.max(0, next - performance.now()));
    }
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}

export interface PacedLine {
  /** The hub opens this (`--printer`). */
  hostPath: string;
  /** The printer emulator serves this. */
  devicePath: string;
  toPrinter: { maxQueued: number; carried: number };
  toHost: { maxQueued: number; carried: number };
  close(): Promise<void>;
}

function open(path: string, baudRate: number): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  return new Promise((resolve, reject) => port.open((error) => (error ? reject(error) : resolve(port))));
}

export async function openPacedLine(baud: number, dir: string): Promise<PacedLine> {
  mkdirSync(join(dir, 'a'), { recursive: true });
  mkdirSync(join(dir, 'b'), { recursive: true });
  const a: PtyPair = await openPtyPair({ dir: join(dir, 'a') });
  const b: PtyPair = await openPtyPair({ dir: join(dir, 'b') });
  const hostSide = await open(a.devicePath, baud);
  const printerSide = await open(b.hostPath, baud);
  const toPrinter = new PacedDirection(baud, (bytes) => printerSide.write(bytes));
  const toHost = new PacedDirection(baud, (bytes) => hostSide.write(bytes));
  hostSide.on('data', (chunk: Buffer) => toPrinter.push(chunk));
  printerSide.on('data', (chunk: Buffer) => toHost.push(chunk));
  for (const port of [hostSide, printerSide]) port.on('error', () => undefined);
  return {
    hostPath: a.hostPath,
    devicePath: b.devicePath,
    toPrinter,
    toHost,
    async close() {
      toPrinter.stop();
      toHost.stop();
      for (const port of [hostSide, printerSide]) await new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
      await a.close();
      await b.close();
    },
  };
}
