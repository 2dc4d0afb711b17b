import type { Database, Statement } from 'better-sqlite3';
import type { BatchParticipant } from '../store/group-commit.ts';
import { DeviceTimeline, type ClockRefusal, type TimelinePress } from './device-timeline.ts';
import { HubClockAllowance } from './hub-clock-allowance.ts';

/** Budget window: presses one device may store per minute of its own time. */
export const BUDGET_WINDOW_MS = 60_000;
/** Presses read back from the store to rebuild a device's state after a restart. */
const HISTORY_ON_LOAD = 200;

export type VotePress = TimelinePress;

/** A press's `sentUpMs` counts only where it made a valid uptime pair (see press-time.ts). */
export function uptimePair(clockQuality: string, sentUpMs: number | null): number | null {
  return clockQuality === 'uptime' ? sentUpMs : null;
}

export interface VoteRules {
  lockoutMs: number;
  budgetPerMinute: number;
  /** Presses the hub cannot date: this many at once, then `unanchoredPerMinute` a minute of hub time. */
  unanchoredBurst: number;
  unanchoredPerMinute: number;
}

/** Why a press was not stored (besides being a duplicate). */
export type PressRefusal = ClockRefusal | 'clock_unverified' | 'over_budget';

export type VoteVerdict =
  | { stored: true; at: number; anchored: boolean; misuse: boolean }
  | { stored: false; reason: PressRefusal; detail: string };

/**
 * What ingest remembers per device to judge the next press: where presses fall on the
 * device's timeline (hub-anchored, see DeviceTimeline), the last counted vote
 * (lock-out), the stored presses of the last minute (budget), and an allowance on the
 * hub's clock for presses the hub cannot date.
 *
 * Presses are judged where they fall on the device's timeline, not when they arrive,
 * so a bridge replaying its journal in one burst is judged as the presses happened.
 * The timeline cannot run faster than the hub's clock, so the budget per minute of
 * device time is a budget per minute of real time too (docs/security.md).
 */
export class DeviceVoteState {
  readonly #timeline = new DeviceTimeline();
  readonly #unanchored = new HubClockAllowance();
  #lastVoteAt: number | null = null;
  /** Judging times of recorded presses within a minute of the newest, sorted. */
  readonly #recent: number[] = [];
  /** The counted (misuse-free) ones among them, sorted. */
  readonly #recentVotes: number[] = [];

  /** `history`: the device's stored presses, oldest first. */
  constructor(history: ReadonlyArray<VotePress & { misuse: boolean }> = []) {
    for (const press of history) {
      const placed = this.#timeline.place(press);
      this.record(press, placed.kind === 'refused' ? press.pressedAt : placed.at, placed.kind !== 'unanchored', press.misuse);
    }
  }

  /** The verdict on `press`; records nothing (see `record`). */
  judge(press: VotePress, rules: VoteRules): VoteVerdict {
    const placed = this.#timeline.place(press);
    if (placed.kind === 'refused') return { stored: false, reason: placed.reason, detail: placed.detail };
    if (placed.kind === 'unanchored' && this.#unanchored.available(press.receivedAt, rules.unanchoredBurst, rules.unanchoredPerMinute) < 1) {
      return {
        stored: false,
        reason: 'clock_unverified',
        detail: `presses the hub cannot date (no sentUpMs on a boot it never saw start) are limited to ${rules.unanchoredBurst} at once and ${rules.unanchoredPerMinute} a minute`,
      };
    }
    if (this.isOverBudget(placed.at, rules.budgetPerMinute)) {
      return { stored: false, reason: 'over_budget', detail: `${rules.budgetPerMinute} presses are stored already in the minute before this one` };
    }
    return { stored: true, at: placed.at, anchored: placed.kind === 'anchored', misuse: this.isMisuse(placed.at, rules.lockoutMs) };
  }

  get lastVoteAt(): number | null {
    return this.#lastVoteAt;
  }

  /**
   * Per-vote lock-out (invariant 6): a press within `lockoutMs` of a counted vote is a
   * repeat: stored, flagged `misuse`. Any counted vote of the last minute counts, not
   * only the latest, so presses placed just behind it are repeats too.
   */
  isMisuse(at: number, lockoutMs: number): boolean {
    if (this.#lastVoteAt !== null && Math.abs(at - this.#lastVoteAt) < lockoutMs) return true;
    return this.#recentVotes.some((vote) => Math.abs(at - vote) < lockoutMs);
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

  /** Records a stored press judged at `at` (from `judge`). */
  record(press: VotePress, at: number, anchored: boolean, misuse: boolean, rules?: VoteRules): void {
    this.#timeline.learn(press);
    if (!anchored && rules) this.#unanchored.take(press.receivedAt, rules.unanchoredBurst, rules.unanchoredPerMinute);
    if (!misuse && (this.#lastVoteAt === null || at >= this.#lastVoteAt)) this.#lastVoteAt = at;
    insertSorted(this.#recent, at);
    if (!misuse) insertSorted(this.#recentVotes, at);
    const horizon = this.#recent[this.#recent.length - 1]! - BUDGET_WINDOW_MS;
    while (this.#recent.length > 0 && this.#recent[0]! <= horizon) this.#recent.shift();
    while (this.#recentVotes.length > 0 && this.#recentVotes[0]! <= horizon) this.#recentVotes.shift();
  }
}

function insertSorted(times: number[], at: number): void {
  let i = times.length;
  while (i > 0 && times[i - 1]! > at) i--;
  times.splice(i, 0, at);
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
    this.#history = db.prepare(`SELECT boot, up_ms AS upMs, sent_up_ms AS sentUpMs, clock_quality AS clockQuality, pressed_at AS pressedAt,
      received_at AS receivedAt, misuse FROM presses WHERE device_id = ? ORDER BY id DESC LIMIT ?`);
  }

  get(deviceId: string): DeviceVoteState {
    let state = this.#states.get(deviceId);
    if (!state) {
      const rows = this.#history.all(deviceId, HISTORY_ON_LOAD) as Array<VotePress & { clockQuality: string; misuse: number }>;
      state = new DeviceVoteState(
        rows.reverse().map(({ clockQuality, misuse, ...row }) => ({ ...row, sentUpMs: uptimePair(clockQuality, row.sentUpMs), misuse: misuse === 1 })),
      );
      this.#states.set(deviceId, state);
    }
    return state;
  }

  beforeCommit(): void {}

  afterRollback(): void {
    this.#states.clear();
  }
}
