import type { Database, Statement } from 'better-sqlite3';
import { Outbox } from '../store/outbox.ts';

export interface OutboxSlice {
  /** Each event's JSON text as sent: {"seq","type","at","data","hash"}. */
  events: string[];
  firstSeq: number;
  lastSeq: number;
  /** Bytes of the JSON texts. */
  bytes: number;
}

interface OutboxRow {
  seq: number;
  type: string;
  at: number;
  data: string;
  hash: Buffer;
}

const EMPTY: OutboxSlice = { events: [], firstSeq: 0, lastSeq: 0, bytes: 0 };

/**
 * Reads the outbox in seq order for sync, on the hub's read connection (WAL readers
 * never wait for the writer). Event JSON is assembled from the stored text, never
 * re-serialised: the data text is exactly what the event hash covers.
 */
export class OutboxReader {
  readonly #outbox: Outbox;
  readonly #rows: Statement<[number, number, number]>;
  readonly #avgBytes: Statement<[number]>;

  constructor(db: Database) {
    this.#outbox = new Outbox(db);
    this.#rows = db.prepare('SELECT seq, type, at, data, hash FROM outbox WHERE seq > ? AND seq < ? ORDER BY seq LIMIT ?');
    this.#avgBytes = db.prepare('SELECT AVG(length(data)) AS avg FROM (SELECT data FROM outbox WHERE seq > ? ORDER BY seq LIMIT 1000)');
  }

  /** Highest seq ever appended. */
  lastSeq(): number {
    return this.#outbox.head().lastSeq;
  }

  /** Events after `afterSeq` and before `beforeSeq`, at most `maxEvents` and (but for the first) `maxBytes`. */
  read(afterSeq: number, maxEvents: number, maxBytes: number, beforeSeq = Number.MAX_SAFE_INTEGER): OutboxSlice {
    if (maxEvents <= 0) return EMPTY;
    const rows = this.#rows.all(afterSeq, beforeSeq, maxEvents) as OutboxRow[];
    const events: string[] = [];
    let bytes = 0;
    for (const row of rows) {
      const json = `{"seq":${row.seq},"type":${JSON.stringify(row.type)},"at":"${new Date(row.at).toISOString()}","data":${row.data},"hash":"${row.hash.toString('hex')}"}`;
      if (events.length > 0 && bytes + json.length > maxBytes) break;
      events.push(json);
      bytes += json.length;
    }
    if (events.length === 0) return EMPTY;
    return { events, firstSeq: rows[0]!.seq, lastSeq: rows[events.length - 1]!.seq, bytes };
  }

  /** Hub-clock time of the first event after `seq` (the oldest unsynced), if any. */
  firstAtAfter(seq: number): number | undefined {
    return this.#outbox.firstAtAfter(seq);
  }

  /**
   * Backlog bytes, estimated from the next thousand events: an exact sum would read
   * the whole backlog (hundreds of MB after a long outage) on every heartbeat.
   */
  estimateBytes(afterSeq: number, events: number): number {
    if (events <= 0) return 0;
    const avg = (this.#avgBytes.get(afterSeq) as { avg: number | null }).avg ?? 0;
    return Math.round(events * (avg + 120));
  }
}
