import { statfsSync, statSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import type { DiskState } from '../../protocol/sync/heartbeat.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { StoreConfig } from '../config/schema.ts';
import { HubError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { HubPart } from '../part.ts';

export interface DiskReading {
  state: DiskState;
  freeBytes: number | null;
  dbBytes: number;
  reason: string | null;
}

const MB = 1024 * 1024;

/**
 * The disk budget (invariant 3): alarms early, refuses late. `warn` and `critical`
 * show in /health, /metrics and the heartbeat to the NOC while everything still
 * works; only at `refusing` are new presses refused, as an explicit error to the
 * device (no PUBACK, so the bridge keeps the vote in its journal), never a lost ack.
 */
export class DiskBudget extends EventEmitter<{ change: [DiskReading] }> implements HubPart {
  readonly #settings: StoreConfig['disk'];
  readonly #dataDir: string;
  readonly #dbPath: string;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #statfs: (dir: string) => { bavail: number; bsize: number };
  #reading: DiskReading = { state: 'ok', freeBytes: null, dbBytes: 0, reason: null };
  #cancel: (() => void) | null = null;

  constructor(options: { settings: StoreConfig['disk']; dataDir: string; dbPath: string; clock: Clock; log: Logger; statfs?: (dir: string) => { bavail: number; bsize: number } }) {
    super();
    this.#settings = options.settings;
    this.#dataDir = options.dataDir;
    this.#dbPath = options.dbPath;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#statfs = options.statfs ?? ((dir) => statfsSync(dir));
  }

  get reading(): DiskReading {
    return this.#reading;
  }

  start(): void {
    this.check();
    this.#cancel = this.#clock.setRepeating(() => this.check(), this.#settings.checkIntervalMs);
  }

  stop(): void {
    this.#cancel?.();
  }

  /** The error a refused write gets, or null while there is room. */
  refusal(): HubError | null {
    if (this.#reading.state !== 'refusing') return null;
    return new HubError('disk_budget_exhausted', `the hub is refusing new data: ${this.#reading.reason}; free space on the data dir's disk (see docs/noc-runbook.md)`);
  }

  check(): DiskReading {
    let freeBytes: number | null = null;
    try {
      const fs = this.#statfs(this.#dataDir);
      freeBytes = fs.bavail * fs.bsize;
    } catch {
      // Unknown free space is no reason to refuse; the db size still counts.
    }
    const dbBytes = fileSize(this.#dbPath) + fileSize(`${this.#dbPath}-wal`);
    const next = judge(this.#settings, freeBytes, dbBytes);
    if (next.state !== this.#reading.state) {
      const level = next.state === 'ok' ? 'info' : next.state === 'warn' ? 'warn' : 'error';
      this.#log[level]({ state: next.state, previous: this.#reading.state, freeBytes, dbBytes }, next.reason ?? 'disk budget back to normal');
      this.#reading = next;
      this.emit('change', next);
    }
    this.#reading = next;
    return next;
  }
}

export function judge(s: StoreConfig['disk'], freeBytes: number | null, dbBytes: number): DiskReading {
  const maxDb = s.maxDbMb * MB;
  const levels: Array<[DiskState, number, number]> = [
    ['refusing', s.refuseFreeMb, 1],
    ['critical', s.criticalFreeMb, 0.9],
    ['warn', s.warnFreeMb, 0.7],
  ];
  for (const [state, freeMb, dbShare] of levels) {
    if (freeBytes !== null && freeBytes < freeMb * MB) return { state, freeBytes, dbBytes, reason: `${Math.floor(freeBytes / MB)} MB free on the data dir's disk (${state} below ${freeMb} MB)` };
    if (dbBytes >= maxDb * dbShare) return { state, freeBytes, dbBytes, reason: `the hub database is ${Math.floor(dbBytes / MB)} MB, ${Math.round((dbBytes / maxDb) * 100)} % of store.disk.maxDbMb (${s.maxDbMb})` };
  }
  return { state: 'ok', freeBytes, dbBytes, reason: null };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
