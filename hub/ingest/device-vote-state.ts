import type { Database, Statement } from 'better-sqlite3';
import type { BatchParticipant } from '../store/group-commit.ts';

/** Budget window: presses one device may store per minute of its own time. */
export const BUDGET_WINDOW_MS = 60_000;
/** Boots whose uptime anchor is remembered (a bridge restart replays the old boot's queue). */
const BOOTS_REMEMBERED = 4;
/** Presses read back from the store to rebuild a device's state after a restart. */
const HISTORY_ON_LOAD = 200;

export interface VotePress {
  boot: string;
  upMs: number;
  /** The reconstructed press time (hub clock). */
  pressedAt: number;
}

/**
 * What ingest remembers per device to judge the next press: the last counted vote
 * (lock-out) and the stored presses of the last minute (budget).
 *
 * Presses are judged on the device's own timeline. Within one boot that is its
 * uptime, anchored to the hub clock by the first press seen from that boot: exact,
 * and independent of how late or how bunched the presses arrive (a bridge replaying
 * its offline queue without `sentUpMs` would otherwise look like a burst and lose
 * presses to the budget). A press of an unknown boot is placed at its reconstructed
 * press time.
 */
export class DeviceVoteState {
  readonly #origins = new Map<string, number>();
  #lastVoteAt: number | null = null;
  /** Judging times of recorded presses within a minute of the newest, sorted. */
  readonly #recent: number[] = [];

  /** `history`: the device's stored presses, oldest first. */
  constructor(history: ReadonlyArray<VotePress & { misuse: boolean }> = []) {
    for (const press of history) this.record(press, press.misuse);
  }

  /** Where `press` falls on the device's timeline. */
  judge(press: VotePress): number {
    const origin = this.#origins.get(press.boot);
    return origin === undefined ? press.pressedAt : origin + press.upMs;
  }

  get lastVoteAt(): number | null {
    return this.#lastVoteAt;
  }

  /**
   * Per-vote lock-out (invariant 6): a press within `lockoutMs` of the last counted
   * vote is a repeat: stored, flagged `misuse`.
   */
  isMisuse(at: number, lockoutMs: number): boolean {
    return this.#lastVoteAt !== null && Math.abs(at - this.#lastVoteAt) < lockoutMs;
  }

  /**
   * True when `budget` presses are already stored within the minute before `at`. Only
   * the minute before the newest press is remembered, so a late press older than that
   * (rare: bridges send in order) is judged leniently: stored, never wrongly refused.
   */
  isOverBudget(at: number, budget: number): boolean {
    const from = at - BUDGET_WINDOW_MS;
    let inWindow = 0;
    for (const t of this.#recent) if (t > from && t <= at) inWindow++;
    return inWindow >= budget;
  }

  record(press: VotePress, misuse: boolean): void {
    if (!this.#origins.has(press.boot)) {
      this.#origins.set(press.boot, press.pressedAt - press.upMs);
      if (this.#origins.size > BOOTS_REMEMBERED) this.#origins.delete(this.#origins.keys().next().value!);
    }
    const at = this.judge(press);
    if (!misuse && (this.#lastVoteAt === null || at >= this.#lastVoteAt)) this.#lastVoteAt = at;
    let i = this.#recent.length;
    while (i > 0 && this.#recent[i - 1]! > at) i--;
    this.#recent.splice(i, 0, at);
    const horizon = this.#recent[this.#recent.length - 1]! - BUDGET_WINDOW_MS;
    while (this.#recent.length > 0 && this.#recent[0]! <= horizon) this.#recent.shift();
  }
}

/**
 * A cache of DeviceVoteState, rebuilt from the device's latest stored presses on first
 * use. The states change while a batch is applied; if the batch rolls back the cache
 * is dropped and rebuilt from what was committed, so a retried press is judged as if
 * the failed attempt never happened.
 */
export class DeviceVoteStates implements BatchParticipant {
  readonly #states = new Map<string, DeviceVoteState>();
  readonly #history: Statement<[string, number]>;

  constructor(db: Database) {
    this.#history = db.prepare(`SELECT boot, up_ms AS upMs, pressed_at AS pressedAt, misuse FROM presses
      WHERE device_id = ? ORDER BY pressed_at DESC, id DESC LIMIT ?`);
  }

  get(deviceId: string): DeviceVoteState {
    let state = this.#states.get(deviceId);
    if (!state) {
      const rows = this.#history.all(deviceId, HISTORY_ON_LOAD) as Array<VotePress & { misuse: number }>;
      state = new DeviceVoteState(rows.reverse().map((row) => ({ ...row, misuse: row.misuse === 1 })));
      this.#states.set(deviceId, state);
    }
    return state;
  }

  beforeCommit(): void {}

  afterRollback(): void {
    this.#states.clear();
  }
}
