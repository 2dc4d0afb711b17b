import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUDGET_WINDOW_MS, DeviceVoteState } from '../../hub/ingest/device-vote-state.ts';

const T0 = Date.UTC(2024, 4, 1, 9, 0, 0);

interface Press { boot: string; upMs: number; pressedAt: number }

/** Judges and records presses in order, as ingest does; returns the misuse flags. */
function play(state: DeviceVoteState, presses: Press[], lockoutMs: number): boolean[] {
  return presses.map(({ boot, upMs, pressedAt }) => {
    const misuse = state.isMisuse(boot, upMs, pressedAt, lockoutMs);
    state.record(boot, upMs, pressedAt, misuse);
    return misuse;
  });
}
const sameBoot = (upMs: number[], boot = 'boot-a'): Press[] => upMs.map((u) => ({ boot, upMs: u, pressedAt: T0 + u }));

describe('DeviceVoteState lock-out', () => {
  it('flags repeats inside the lock-out of the last counted vote (scripted, 2500 ms)', () => {
    const state = new DeviceVoteState(null, []);
    expect(play(state, sameBoot([0, 1000, 2400, 2600, 3000, 5200]), 2500)).toEqual([false, true, true, false, true, false]);
    expect(state.lastVote).toEqual({ boot: 'boot-a', upMs: 5200, pressedAt: T0 + 5200 });
  });

  it('a misuse press does not move the anchor: a steady stream every 1 s counts every third press', () => {
    const state = new DeviceVoteState(null, []);
    expect(play(state, sameBoot([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000]), 2500))
      .toEqual([false, true, true, false, true, true, false, true]);
  });

  it('a gap of exactly lockoutMs is a new vote; lockoutMs 0 flags nothing', () => {
    expect(play(new DeviceVoteState(null, []), sameBoot([0, 2499, 2500, 4999, 5000]), 2500)).toEqual([false, true, false, true, false]);
    expect(play(new DeviceVoteState(null, []), sameBoot([0, 0, 0, 1]), 0)).toEqual([false, false, false, false]);
  });

  it('within one boot compares uptime, not the reconstructed press times', () => {
    const state = new DeviceVoteState({ boot: 'boot-a', upMs: 50_000, pressedAt: T0 }, []);
    // Press times say 10 ms apart (a replayed batch), uptime says 5 s: a new vote.
    expect(state.isMisuse('boot-a', 55_000, T0 + 10, 2500)).toBe(false);
    // Press times say 10 s apart (receive jitter), uptime says 1 s: a repeat.
    expect(state.isMisuse('boot-a', 51_000, T0 + 10_000, 2500)).toBe(true);
    // Out of order within the boot: the distance counts, not the direction.
    expect(state.isMisuse('boot-a', 49_000, T0 + 10_000, 2500)).toBe(true);
    expect(state.isMisuse('boot-a', 40_000, T0, 2500)).toBe(false);
  });

  it('across boots compares the reconstructed press times, not uptime', () => {
    const state = new DeviceVoteState({ boot: 'boot-a', upMs: 50_000, pressedAt: T0 }, []);
    expect(state.isMisuse('boot-b', 50_000, T0 + 10_000, 2500)).toBe(false);
    expect(state.isMisuse('boot-b', 200, T0 + 1_000, 2500)).toBe(true);
    expect(state.isMisuse('boot-b', 200, T0 - 1_000, 2500)).toBe(true);
    expect(state.isMisuse('boot-b', 50_000, T0 + 2_500, 2500)).toBe(false);
  });

  it('a reboot right after a vote: the first press of the new boot is judged by press time', () => {
    const state = new DeviceVoteState(null, []);
    const presses: Press[] = [
      { boot: 'boot-a', upMs: 90_000, pressedAt: T0 },
      { boot: 'boot-b', upMs: 300, pressedAt: T0 + 1_500 }, // rebooted, pressed again 1.5 s later
      { boot: 'boot-b', upMs: 2_000, pressedAt: T0 + 3_200 },
      { boot: 'boot-b', upMs: 4_400, pressedAt: T0 + 5_900 }, // 2.4 s of uptime, 2.7 s of press time: same boot, uptime decides
    ];
    expect(play(state, presses, 2500)).toEqual([false, true, false, true]);
    expect(state.lastVote).toEqual({ boot: 'boot-b', upMs: 2_000, pressedAt: T0 + 3_200 });
  });

  it('only misuse-free presses that are not older than the anchor become the anchor', () => {
    const state = new DeviceVoteState({ boot: 'boot-a', upMs: 10_000, pressedAt: T0 }, []);
    state.record('boot-a', 11_000, T0 + 1_000, true);
    expect(state.lastVote).toEqual({ boot: 'boot-a', upMs: 10_000, pressedAt: T0 });
    state.record('boot-a', 5_000, T0 - 5_000, false);
    expect(state.lastVote).toEqual({ boot: 'boot-a', upMs: 10_000, pressedAt: T0 });
    state.record('boot-b', 100, T0, false);
    expect(state.lastVote).toEqual({ boot: 'boot-b', upMs: 100, pressedAt: T0 });
  });

  it('property: within one boot, counted votes are ≥ lockoutMs apart and each repeat is inside the lock-out of the vote before it', () => {
    fc.assert(fc.property(fc.array(fc.nat({ max: 6_000 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 5_000 }), (gaps, lockoutMs) => {
      const upMs = gaps.reduce<number[]>((acc, g) => [...acc, (acc.at(-1) ?? 0) + g], []);
      const flags = play(new DeviceVoteState(null, []), sameBoot(upMs), lockoutMs);
      expect(flags[0]).toBe(false);
      let anchor = upMs[0]!;
      flags.forEach((misuse, i) => {
        if (i === 0) return;
        const gap = upMs[i]! - anchor;
        expect(misuse).toBe(gap < lockoutMs);
        if (!misuse) anchor = upMs[i]!;
      });
    }));
  });
});

describe('DeviceVoteState budget', () => {
  it('counts stored presses in (pressedAt − 1 min, pressedAt]', () => {
    expect(BUDGET_WINDOW_MS).toBe(60_000);
    const state = new DeviceVoteState(null, [T0 - 60_000, T0 - 59_999, T0 - 1, T0]);
    expect(state.isOverBudget(T0, 3)).toBe(true);
    expect(state.isOverBudget(T0, 4)).toBe(false);
    // A press at T0 − 1 does not count T0, which comes after it.
    expect(state.isOverBudget(T0 - 1, 3)).toBe(true);
    expect(state.isOverBudget(T0 - 1, 4)).toBe(false);
    expect(state.isOverBudget(T0 + 59_999, 1)).toBe(true);
    expect(state.isOverBudget(T0 + 60_000, 1)).toBe(false);
    expect(new DeviceVoteState(null, []).isOverBudget(T0, 1)).toBe(false);
  });

  it('scripted: budget 3, over-budget presses are not recorded, the window slides with press time', () => {
    const state = new DeviceVoteState(null, []);
    const outcomes = [0, 10_000, 20_000, 30_000, 59_999, 60_000, 70_001, 79_999, 80_000].map((dt) => {
      const pressedAt = T0 + dt;
      if (state.isOverBudget(pressedAt, 3)) return 'over';
      state.record('boot-a', dt, pressedAt, false);
      return 'stored';
    });
    expect(outcomes).toEqual(['stored', 'stored', 'stored', 'over', 'over', 'stored', 'stored', 'over', 'stored']);
  });

  it('misuse presses count toward the budget too', () => {
    const state = new DeviceVoteState(null, []);
    play(state, sameBoot([0, 100, 200]), 2500);
    expect(state.isOverBudget(T0 + 300, 3)).toBe(true);
  });

  it('property: for presses in time order, over budget ⇔ at least `budget` recorded presses in the minute before', () => {
    const gaps = fc.array(fc.integer({ min: 0, max: 30_000 }), { minLength: 1, maxLength: 60 });
    fc.assert(fc.property(gaps, fc.integer({ min: 1, max: 10 }), (steps, budget) => {
      const state = new DeviceVoteState(null, []);
      const stored: number[] = [];
      let t = T0;
      for (const step of steps) {
        t += step;
        const expected = stored.filter((s) => s > t - 60_000 && s <= t).length >= budget;
        expect(state.isOverBudget(t, budget)).toBe(expected);
        if (!expected) {
          state.record('boot-a', t - T0, t, false);
          stored.push(t);
        }
      }
    }));
  });
  it('judges a late, older press against the presses of its own minute while they are remembered', () => {
    const state = new DeviceVoteState(null, []);
    for (const t of [0, 1000, 2000]) state.record('A', t, T0 + t, false);
    state.record('A', 40_000, T0 + 40_000, false);
    // A press from between the others arrives late: three presses precede it in its minute.
    expect(state.isOverBudget(T0 + 30_000, 3)).toBe(true);
    expect(state.isOverBudget(T0 + 30_000, 4)).toBe(false);
    state.record('A', 30_000, T0 + 30_000, false);
    // Out-of-order records stay sorted: a newer press a minute later sees only its minute.
    expect(state.isOverBudget(T0 + 95_000, 2)).toBe(false);
    expect(state.isOverBudget(T0 + 95_000, 1)).toBe(true);
  });
});
