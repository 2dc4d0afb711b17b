import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUDGET_WINDOW_MS, DeviceVoteState, type VotePress } from '../../hub/ingest/device-vote-state.ts';

const T0 = Date.UTC(2024, 4, 1, 9, 0, 0);

/** Judges and records presses in order, as ingest does; returns the misuse flags. */
function play(state: DeviceVoteState, presses: VotePress[], lockoutMs: number): boolean[] {
  return presses.map((press) => {
    const misuse = state.isMisuse(state.judge(press), lockoutMs);
    state.record(press, misuse);
    return misuse;
  });
}
const sameBoot = (upMs: number[], boot = 'boot-a'): VotePress[] => upMs.map((u) => ({ boot, upMs: u, pressedAt: T0 + u }));

describe('DeviceVoteState lock-out', () => {
  it('flags repeats inside the lock-out of the last counted vote (scripted, 2500 ms)', () => {
    const state = new DeviceVoteState();
    expect(play(state, sameBoot([0, 1000, 2400, 2600, 3000, 5200]), 2500)).toEqual([false, true, true, false, true, false]);
    expect(state.lastVoteAt).toBe(T0 + 5200);
  });

  it('a misuse press does not move the anchor: a steady stream every 1 s counts every third press', () => {
    expect(play(new DeviceVoteState(), sameBoot([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000]), 2500)).toEqual([false, true, true, false, true, true, false, true]);
  });

  it('a gap of exactly lockoutMs is a new vote; lockoutMs 0 flags nothing', () => {
    expect(play(new DeviceVoteState(), sameBoot([0, 2499, 2500, 4999, 5000]), 2500)).toEqual([false, true, false, true, false]);
    expect(play(new DeviceVoteState(), sameBoot([0, 0, 0, 1]), 0)).toEqual([false, false, false, false]);
  });

  it('within one boot judges by uptime, whatever the reconstructed press times say', () => {
    const state = new DeviceVoteState([{ boot: 'boot-a', upMs: 50_000, pressedAt: T0, misuse: false }]);
    // Press times 10 ms apart (a replay without sentUpMs), uptime 5 s apart: a new vote.
    expect(state.isMisuse(state.judge({ boot: 'boot-a', upMs: 55_000, pressedAt: T0 + 10 }), 2500)).toBe(false);
    // Press times 10 s apart (receive jitter), uptime 1 s apart: a repeat.
    expect(state.isMisuse(state.judge({ boot: 'boot-a', upMs: 51_000, pressedAt: T0 + 10_000 }), 2500)).toBe(true);
    // Out of order within the boot: the distance counts, not the direction.
    expect(state.isMisuse(state.judge({ boot: 'boot-a', upMs: 49_000, pressedAt: T0 }), 2500)).toBe(true);
    expect(state.isMisuse(state.judge({ boot: 'boot-a', upMs: 40_000, pressedAt: T0 }), 2500)).toBe(false);
  });

  it('a press of a boot not seen before is placed at its press time', () => {
    const state = new DeviceVoteState([{ boot: 'boot-a', upMs: 50_000, pressedAt: T0, misuse: false }]);
    expect(state.isMisuse(state.judge({ boot: 'boot-b', upMs: 50_000, pressedAt: T0 + 10_000 }), 2500)).toBe(false);
    expect(state.isMisuse(state.judge({ boot: 'boot-b', upMs: 200, pressedAt: T0 + 1_000 }), 2500)).toBe(true);
    expect(state.isMisuse(state.judge({ boot: 'boot-b', upMs: 200, pressedAt: T0 - 1_000 }), 2500)).toBe(true);
  });

  it('a reboot right after a vote: the new boot is anchored by its first press, then judged by uptime', () => {
    const presses: VotePress[] = [
      { boot: 'boot-a', upMs: 90_000, pressedAt: T0 },
      { boot: 'boot-b', upMs: 300, pressedAt: T0 + 1_500 }, // rebooted, pressed again 1.5 s later
      { boot: 'boot-b', upMs: 2_000, pressedAt: T0 + 3_200 },
      { boot: 'boot-b', upMs: 4_400, pressedAt: T0 + 5_900 }, // 2.4 s of uptime after the last vote: a repeat
    ];
    const state = new DeviceVoteState();
    expect(play(state, presses, 2500)).toEqual([false, true, false, true]);
    expect(state.lastVoteAt).toBe(T0 + 3_200);
  });

  it('replays of an old boot interleaved with a new one are judged each on its own timeline', () => {
    const state = new DeviceVoteState();
    const a = (upMs: number, pressedAt: number): VotePress => ({ boot: 'old', upMs, pressedAt });
    const b = (upMs: number, pressedAt: number): VotePress => ({ boot: 'new', upMs, pressedAt });
    // The old boot's queue (pressed long ago, replayed late) and fresh presses.
    expect(play(state, [a(1_000, T0 - 600_000), b(500, T0), a(20_000, T0 - 581_000), b(10_500, T0 + 10_000)], 2500)).toEqual([false, false, false, false]);
  });

  it('only misuse-free presses at or after the anchor move it', () => {
    const state = new DeviceVoteState([{ boot: 'boot-a', upMs: 10_000, pressedAt: T0, misuse: false }]);
    state.record({ boot: 'boot-a', upMs: 11_000, pressedAt: T0 + 1_000 }, true);
    expect(state.lastVoteAt).toBe(T0);
    state.record({ boot: 'boot-a', upMs: 5_000, pressedAt: T0 - 5_000 }, false);
    expect(state.lastVoteAt).toBe(T0);
    state.record({ boot: 'boot-b', upMs: 100, pressedAt: T0 + 100 }, false);
    expect(state.lastVoteAt).toBe(T0 + 100);
  });

  it('property: within one boot, counted votes are ≥ lockoutMs apart in uptime and each repeat is inside the lock-out of the vote before it', () => {
    fc.assert(fc.property(fc.array(fc.nat({ max: 6_000 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: -5_000, max: 5_000 }), (gaps, lockoutMs, jitter) => {
      const upMs = gaps.reduce<number[]>((acc, g) => [...acc, (acc.at(-1) ?? 0) + g], []);
      // Press times that disagree with uptime (late sends) must not change the verdicts.
      const presses = upMs.map((u, i) => ({ boot: 'boot-a', upMs: u, pressedAt: T0 + u + (i === 0 ? 0 : jitter * i) }));
      const flags = play(new DeviceVoteState(), presses, lockoutMs);
      expect(flags[0]).toBe(false);
      let anchor = upMs[0]!;
      flags.forEach((misuse, i) => {
        if (i === 0) return;
        expect(misuse).toBe(upMs[i]! - anchor < lockoutMs);
        if (!misuse) anchor = upMs[i]!;
      });
    }));
  });
});

describe('DeviceVoteState budget', () => {
  const atTimes = (times: number[]) => new DeviceVoteState(times.map((t) => ({ boot: 'boot-a', upMs: t - T0 + 100_000, pressedAt: t, misuse: false })));

  it('counts stored presses in (t − 1 min, t]', () => {
    expect(BUDGET_WINDOW_MS).toBe(60_000);
    const state = atTimes([T0 - 59_999, T0 - 30_000, T0 - 1, T0]);
    expect(state.isOverBudget(T0, 4)).toBe(true);
    expect(state.isOverBudget(T0, 5)).toBe(false);
    // A press at T0 − 1 does not count T0, which comes after it.
    expect(state.isOverBudget(T0 - 1, 3)).toBe(true);
    expect(state.isOverBudget(T0 - 1, 4)).toBe(false);
    expect(state.isOverBudget(T0 + 59_999, 1)).toBe(true);
    expect(state.isOverBudget(T0 + 60_000, 1)).toBe(false);
    expect(new DeviceVoteState().isOverBudget(T0, 1)).toBe(false);
  });

  it('scripted: budget 3, over-budget presses are not recorded, the window slides with device time', () => {
    const state = new DeviceVoteState();
    const outcomes = [0, 10_000, 20_000, 30_000, 59_999, 60_000, 70_001, 79_999, 80_000].map((dt) => {
      const press = { boot: 'boot-a', upMs: dt, pressedAt: T0 + dt };
      if (state.isOverBudget(state.judge(press), 3)) return 'over';
      state.record(press, false);
      return 'stored';
    });
    expect(outcomes).toEqual(['stored', 'stored', 'stored', 'over', 'over', 'stored', 'stored', 'over', 'stored']);
  });

  it('a replayed queue that arrives in one burst is judged by uptime, so honest presses are not refused', () => {
    const state = new DeviceVoteState();
    // 40 presses a minute apart in uptime, all received (and, without sentUpMs, "pressed") at T0.
    const refused = Array.from({ length: 40 }, (_, i) => ({ boot: 'boot-a', upMs: i * 60_000, pressedAt: T0 })).filter((press) => {
      const over = state.isOverBudget(state.judge(press), 3);
      if (!over) state.record(press, false);
      return over;
    });
    expect(refused).toEqual([]);
  });

  it('misuse presses count toward the budget too', () => {
    const state = new DeviceVoteState();
    play(state, sameBoot([0, 100, 200]), 2500);
    expect(state.isOverBudget(T0 + 300, 3)).toBe(true);
  });

  it('property: for presses in time order, over budget ⇔ at least `budget` recorded presses in the minute before', () => {
    const gaps = fc.array(fc.integer({ min: 0, max: 30_000 }), { minLength: 1, maxLength: 60 });
    fc.assert(fc.property(gaps, fc.integer({ min: 1, max: 10 }), (steps, budget) => {
      const state = new DeviceVoteState();
      const stored: number[] = [];
      let t = T0;
      for (const step of steps) {
        t += step;
        const expected = stored.filter((s) => s > t - 60_000 && s <= t).length >= budget;
        const press = { boot: 'boot-a', upMs: t - T0, pressedAt: t };
        expect(state.isOverBudget(state.judge(press), budget)).toBe(expected);
        if (!expected) {
          state.record(press, false);
          stored.push(t);
        }
      }
    }));
  });

  it('judges a late, older press against the presses of its own minute while they are remembered', () => {
    const state = new DeviceVoteState();
    for (const t of [0, 1000, 2000, 40_000]) state.record({ boot: 'A', upMs: t, pressedAt: T0 + t }, false);
    expect(state.isOverBudget(T0 + 30_000, 3)).toBe(true);
    expect(state.isOverBudget(T0 + 30_000, 4)).toBe(false);
    state.record({ boot: 'A', upMs: 30_000, pressedAt: T0 + 30_000 }, false);
    expect(state.isOverBudget(T0 + 95_000, 2)).toBe(false);
    expect(state.isOverBudget(T0 + 95_000, 1)).toBe(true);
  });
});
