import type { Database, Statement } from 'better-sqlite3';
import type { BatchParticipant } from '../store/group-commit.ts';

/** Budget window: presses one device may store per minute of press time. */
export const BUDGET_WINDOW_MS = 60_000;

interface LastVote {
  boot: string;
  upMs: number;
  pressedAt: number;
}

/**
 * What ingest remembers per device to judge the next press: the last counted vote
 * (for the lock-out) and the press times of the last minute (for the budget).
 */
export class DeviceVoteState {
  lastVote: LastVote | null;
  readonly #recent: number[];

  constructor(lastVote: LastVote | null, recentPressTimes: number[]) {
    this.lastVote = lastVote;
    this.#recent = recentPressTimes;
  }

  /**
   * Per-vote lock-out (invariant 6): a press within `lockoutMs` of the last counted
   * vote is a repeat: stored, flagged `misuse`. Within one boot the device's own
   * uptime is compared (exact); across boots the reconstructed press times.
   */
  isMisuse(boot: string, upMs: number, pressedAt: number, lockoutMs: number): boolean {
    const last = this.lastVote;
    if (!last) return false;
    const gap = last.boot === boot ? upMs - last.upMs : pressedAt - last.pressedAt;
    return Math.abs(gap) < lockoutMs;
  }

  /**
   * True when `budget` presses are already stored within the minute before
   * `pressedAt`. Only the minute before the device's newest press is remembered, so a
   * late press older than that (rare: bridges send in order) is judged leniently:
   * stored, never wrongly refused.
   */
  isOverBudget(pressedAt: number, budget: number): boolean {
    const from = pressedAt - BUDGET_WINDOW_MS;
    let inWindow = 0;
    for (const t of this.#recent) if (t > from && t <= pressedAt) inWindow++;
    return inWindow >= budget;
  }

  record(boot: string, upMs: number, pressedAt: number, misuse: boolean): void {
    if (!misuse && (!this.lastVote || pressedAt >= this.lastVote.pressedAt)) this.lastVote = { boot, upMs, pressedAt };
    // Kept sorted, so the pruning below sees the oldest first.
    let at = this.#recent.length;
    while (at > 0 && this.#recent[at - 1]! > pressedAt) at--;
    this.#recent.splice(at, 0, pressedAt);
    const horizon = this.#recent[this.#recent.length - 1]! - BUDGET_WINDOW_MS;
    while (this.#recent.length > 0 && this.#recent[0]! <= horizon) this.#recent.shift();
  }
}

/**
 * A cache of DeviceVoteState loaded from the presses table on first use. The states
 * are changed while a batch is applied; if the batch rolls back the cache is dropped
 * and reloaded from what was committed, so a retried press is judged as if the
 * failed attempt never happened.
 */
export class DeviceVoteStates implements BatchParticipant {
  readonly #states = new Map<string, DeviceVoteState>();
  readonly #lastVote: Statement<[string]>;
  readonly #recent: Statement<[string, number]>;
  readonly #newest: Statement<[string]>;

  constructor(db: Database) {
    this.#lastVote = db.prepare('SELECT boot, up_ms AS upMs, pressed_at AS pressedAt FROM presses WHERE device_id = ? AND misuse = 0 ORDER BY pressed_at DESC LIMIT 1');
    this.#newest = db.prepare('SELECT MAX(pressed_at) AS newest FROM presses WHERE device_id = ?');
    this.#recent = db.prepare('SELECT pressed_at AS pressedAt FROM presses WHERE device_id = ? AND pressed_at > ? ORDER BY pressed_at');
  }

  get(deviceId: string): DeviceVoteState {
    let state = this.#states.get(deviceId);
    if (!state) {
      const lastVote = (this.#lastVote.get(deviceId) as LastVote | undefined) ?? null;
      const newest = (this.#newest.get(deviceId) as { newest: number | null }).newest;
      const recent = newest === null ? [] : (this.#recent.all(deviceId, newest - BUDGET_WINDOW_MS) as { pressedAt: number }[]).map((r) => r.pressedAt);
      state = new DeviceVoteState(lastVote, recent);
      this.#states.set(deviceId, state);
    }
    return state;
  }

  beforeCommit(): void {}

  afterRollback(): void {
    this.#states.clear();
  }
}
