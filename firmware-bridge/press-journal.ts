import { closeSync, fdatasyncSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { BootId, IsoTime, NonNegativeInt } from '../protocol/messages/common.ts';
import { Rating } from '../protocol/messages/press.ts';

/** A vote waiting for the hub's PUBACK, with everything needed to resend it. */
export const QueuedPress = z.object({
  boot: BootId,
  seq: z.int().min(1),
  rating: Rating,
  upMs: NonNegativeInt,
  /** Host wall clock at the press: the only time left for a replay after a restart. */
  at: IsoTime,
});
export type QueuedPress = z.infer<typeof QueuedPress>;

export type WhenFull = 'drop-oldest' | 'drop-newest';

/** Journal records, one JSON object per line. */
const JournalRecord = z.union([
  z.object({ p: QueuedPress }), // appended
  z.object({ a: z.tuple([BootId, z.int()]) }), // acknowledged by the hub
  z.object({ x: z.tuple([BootId, z.int()]).nullable() }), // dropped: that press, or the refused new one
  z.object({ t: NonNegativeInt }), // compaction header: drops counted before
]);

export interface AppendResult {
  /** False when the journal was full and refused this press (`drop-newest`). */
  kept: boolean;
  /** The press pushed out to make room (`drop-oldest`). */
  dropped: QueuedPress | null;
  /** False when the write failed (disk full, I/O error): the press lives in memory only. */
  durable: boolean;
}

const key = (p: { boot: string; seq: number }) => `${p.boot}:${p.seq}`;

/**
 * The bridge's offline buffer: an append-only journal file of votes not yet
 * acknowledged by the hub, bounded to `capacity` votes. A vote is written and
 * fdatasync'd before the citizen's acknowledgment, so neither a bridge crash nor a
 * power cut loses it; it leaves the buffer only on the hub's PUBACK. Acks are written
 * without a sync: losing one means a resend the hub deduplicates on (device, boot, seq).
 * When full, the policy is explicit and every drop is recorded and counted.
 * A torn last line (crash mid-write) is skipped on reopen; compaction rewrites the
 * file atomically (temp + rename + directory fsync).
 */
export class PressJournal {
  readonly #path: string;
  readonly #capacity: number;
  readonly #whenFull: WhenFull;
  #fd: number;
  #pending: QueuedPress[] = [];
  #droppedTotal = 0;
  #records = 0;
  #unreadableLines = 0;
  /** A failed write may have left half a line; the next write starts a fresh one. */
  #maybeTorn = false;
  /** Extra records to wait for after a failed compaction. */
  #compactionBackoff = 0;

  private constructor(path: string, capacity: number, whenFull: WhenFull) {
    this.#path = path;
    this.#capacity = capacity;
    this.#whenFull = whenFull;
    this.#replay();
    this.#fd = openSync(path, 'a');
  }

  static open(path: string, options: { capacity: number; whenFull: WhenFull }): PressJournal {
    return new PressJournal(path, options.capacity, options.whenFull);
  }

  get size(): number {
    return this.#pending.length;
  }

  get droppedTotal(): number {
    return this.#droppedTotal;
  }

  /** Lines that could not be read on open (a torn tail after a crash, or damage). */
  get unreadableLines(): number {
    return this.#unreadableLines;
  }

  /** Votes awaiting the hub, oldest first. */
  pending(): readonly QueuedPress[] {
    return this.#pending;
  }

  append(press: QueuedPress): AppendResult {
    let dropped: QueuedPress | null = null;
    const lines: unknown[] = [];
    if (this.#pending.length >= this.#capacity) {
      this.#droppedTotal += 1;
      if (this.#whenFull === 'drop-newest') {
        const durable = this.#write([{ x: null }], true);
        return { kept: false, dropped: null, durable };
      }
      dropped = this.#pending.shift()!;
      lines.push({ x: [dropped.boot, dropped.seq] });
    }
    lines.push({ p: press });
    this.#pending.push(press);
    const durable = this.#write(lines, true);
    return { kept: true, dropped, durable };
  }

  /** The hub has acknowledged this vote. Unknown keys are ignored (already dropped). */
  acknowledge(press: { boot: string; seq: number }): void {
    const k = key(press);
    const index = this.#pending.findIndex((p) => key(p) === k);
    if (index < 0) return;
    this.#pending.splice(index, 1);
    this.#write([{ a: [press.boot, press.seq] }], false);
    if (this.#records > 2 * this.#pending.length + 1000 + this.#compactionBackoff) {
      try {
        this.compact();
        this.#compactionBackoff = 0;
      } catch {
        // Disk full or similar: the journal stays valid, just longer. Try again later.
        rmSync(`${this.#path}.compact`, { force: true });
        this.#compactionBackoff += 1000;
      }
    }
  }

  /** Rewrites the file with only the pending votes. */
  compact(): void {
    const temp = `${this.#path}.compact`;
    const fd = openSync(temp, 'w');
    try {
      const body = [{ t: this.#droppedTotal }, ...this.#pending.map((p) => ({ p }))].map((r) => `${JSON.stringify(r)}\n`).join('');
      writeSync(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.#path);
    syncDirectory(dirname(this.#path));
    closeSync(this.#fd);
    this.#fd = openSync(this.#path, 'a');
    this.#records = this.#pending.length + 1;
    this.#maybeTorn = false;
  }

  close(): void {
    closeSync(this.#fd);
  }

  #write(records: unknown[], sync: boolean): boolean {
    const text = (this.#maybeTorn ? '\n' : '') + records.map((r) => `${JSON.stringify(r)}\n`).join('');
    try {
      // writeSync may write less than asked (disk filling up): loop, so a short write
      // is either completed or reported as a failure, never taken for success.
      const bytes = Buffer.from(text);
      for (let offset = 0; offset < bytes.length; ) offset += writeSync(this.#fd, bytes, offset);
      if (sync) fdatasyncSync(this.#fd);
      this.#maybeTorn = false;
      this.#records += records.length;
      return true;
    } catch {
      this.#maybeTorn = true;
      return false;
    }
  }

  #replay(): void {
    let text: string;
    try {
      text = readFileSync(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    this.#maybeTorn = text.length > 0 && !text.endsWith('\n');
    const byKey = new Map<string, QueuedPress>();
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const record = parseRecord(line);
      if (!record) {
        this.#unreadableLines += 1;
        continue;
      }
      this.#records += 1;
      if ('p' in record) byKey.set(key(record.p), record.p);
      else if ('a' in record) byKey.delete(`${record.a[0]}:${record.a[1]}`);
      else if ('x' in record) {
        this.#droppedTotal += 1;
        if (record.x) byKey.delete(`${record.x[0]}:${record.x[1]}`);
      } else this.#droppedTotal = record.t;
    }
    // Map iteration keeps first-insertion order: the order the votes were cast.
    this.#pending = [...byKey.values()];
  }
}

function parseRecord(line: string): z.infer<typeof JournalRecord> | null {
  try {
    const parsed = JournalRecord.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function syncDirectory(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
