import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUDGET_WINDOW_MS, DeviceVoteState, type VotePress, type VoteRules } from '../../hub/ingest/device-vote-state.ts';

const T0 = Date.UTC(2024, 4, 1, 9, 0, 0);
const rules = (lockoutMs: number, budgetPerMinute = 1000): VoteRules => ({ lockoutMs, budgetPerMinute, unanchoredBurst: 1000, unanchoredPerMinute: 1000 });

/** Judges and records presses in order, as ingest does; returns the misuse flags ('refused' when not stored). */
function play(state: DeviceVoteState, presses: VotePress[], lockoutMs: number): Array<boolean | string> {
  return presses.map((press) => {
    const verdict = state.judge(press, rules(lockoutMs));
    if (!verdict.stored) return verdict.reason;
    state.record(press, verdict.at, verdict.anchored, verdict.misuse, rules(lockoutMs));
    return verdict.misuse;
  });
}
/** The time `press` is judged at (it must be stored). */
function judgedAt(state: DeviceVoteState, press: VotePress): number {
  const verdict = state.judge(press, rules(0));
  if (!verdict.stored) throw new Error(`refused: ${verdict.detail}`);
  return verdict.at;
}
/** A boot the hub anchored: sent as pressed (sentUpMs = upMs), received at T0 + uptime. */
const sameBoot = (upMs: number[], boot = 'boot-a'): VotePress[] => upMs.map((u) => ({ boot, upMs: u, sentUpMs: u, pressedAt: T0 + u, receivedAt: T0 + u }));
/** A press without sentUpMs (a replay, or a device that sends none). */
const undated = (boot: string, upMs: number, pressedAt: number, receivedAt = pressedAt): VotePress => ({ boot, upMs, sentUpMs: null, pressedAt, receivedAt });

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

  it('within an anchored boot judges by uptime, whatever the reconstructed press times say', () => {
    // Anchored by a copy sent at uptime 50 s and received at T0: the boot started at T0 − 50 s.
    const state = new DeviceVoteState([{ boot: 'boot-a', upMs: 50_000, sentUpMs: 50_000, pressedAt: T0, receivedAt: T0, misuse: false }]);
    // Press times 10 ms apart (a replay without sentUpMs), uptime 5 s apart: a new vote.
    expect(state.isMisuse(judgedAt(state, undated('boot-a', 55_000, T0 + 10, T0 + 10_000)), 2500)).toBe(false);
    // Press times 10 s apart (receive jitter), uptime 1 s apart: a repeat.
    expect(state.isMisuse(judgedAt(state, undated('boot-a', 51_000, T0 + 10_000)), 2500)).toBe(true);
    // Out of order within the boot: the distance counts, not the direction.
    expect(state.isMisuse(judgedAt(state, undated('boot-a', 49_000, T0)), 2500)).toBe(true);
    expect(state.isMisuse(judgedAt(state, undated('boot-a', 40_000, T0)), 2500)).toBe(false);
  });

  it('a press the hub cannot date is placed at its press time, then on the first press of its boot', () => {
    const state = new DeviceVoteState([{ boot: 'boot-a', upMs: 50_000, sentUpMs: 50_000, pressedAt: T0, receivedAt: T0, misuse: false }]);
    expect(state.isMisuse(judgedAt(state, undated('boot-b', 50_000, T0 + 10_000)), 2500)).toBe(false);
    expect(state.isMisuse(judgedAt(state, undated('boot-b', 200, T0 + 1_000)), 2500)).toBe(true);
    expect(state.isMisuse(judgedAt(state, undated('boot-b', 200, T0 - 1_000)), 2500)).toBe(true);
    expect(state.judge(undated('boot-b', 200, T0 + 1_000), rules(2500))).toMatchObject({ stored: true, anchored: false });
  });

  it('a reboot right after a vote: the new boot is anchored by its first press, then judged by uptime', () => {
    const presses: VotePress[] = [
      { boot: 'boot-a', upMs: 90_000, sentUpMs: 90_000, pressedAt: T0, receivedAt: T0 },
      // Rebooted, pressed again 1.5 s later (300 ms into the new boot), sent 100 ms later.
      { boot: 'boot-b', upMs: 300, sentUpMs: 400, pressedAt: T0 + 1_500, receivedAt: T0 + 1_600 },
      { boot: 'boot-b', upMs: 2_000, sentUpMs: 2_000, pressedAt: T0 + 3_200, receivedAt: T0 + 3_200 },
      { boot: 'boot-b', upMs: 4_400, sentUpMs: 4_400, pressedAt: T0 + 5_600, receivedAt: T0 + 5_600 }, // 2.4 s after the last vote: a repeat
    ];
    const state = new DeviceVoteState();
    expect(play(state, presses, 2500)).toEqual([false, true, false, true]);
    expect(state.lastVoteAt).toBe(T0 + 3_200);
  });

  it('replays of an old boot after a restart are judged on the old boot\'s anchor, fresh presses on the new one', () => {
    const state = new DeviceVoteState();
    // The old boot was seen live long ago (anchored at T0 − 700 s), then went offline and restarted.
    play(state, [{ boot: 'old', upMs: 100_000, sentUpMs: 100_000, pressedAt: T0 - 600_000, receivedAt: T0 - 600_000 }], 2500);
    const old = (upMs: number): VotePress => undated('old', upMs, T0 - 700_000 + upMs + 7, T0 + 1_000);
    const fresh = (upMs: number): VotePress => ({ boot: 'new', upMs, sentUpMs: upMs + 20, pressedAt: T0 + upMs, receivedAt: T0 + upMs + 20 });
    // The old boot's queue (pressed while the hub was away, replayed now) and fresh presses.
    expect(play(state, [old(110_000), fresh(500), old(130_000), fresh(10_500)], 2500)).toEqual([false, false, false, false]);
    expect(judgedAt(state, old(130_000))).toBe(T0 - 570_000);
  });

  it('only misuse-free presses at or after the anchor move it', () => {
    const state = new DeviceVoteState([{ boot: 'boot-a', upMs: 10_000, sentUpMs: 10_000, pressedAt: T0, receivedAt: T0, misuse: false }]);
    state.record(undated('boot-a', 11_000, T0 + 1_000), T0 + 1_000, true, true);
    expect(state.lastVoteAt).toBe(T0);
    state.record(undated('boot-a', 5_000, T0 - 5_000), T0 - 5_000, true, false);
    expect(state.lastVoteAt).toBe(T0);
    state.record(undated('boot-b', 100, T0 + 100), T0 + 100, false, false);
    expect(state.lastVoteAt).toBe(T0 + 100);
  });

  it('a press placed just behind the latest vote, within the lock-out of an earlier one, is a repeat', () => {
    const state = new DeviceVoteState();
    expect(play(state, sameBoot([0, 10_000]), 2500)).toEqual([false, false]);
    // 3 s before the latest vote and 7 s after the first: outside both lock-outs.
    expect(state.isMisuse(T0 + 7_000, 2500)).toBe(false);
    // 1 s after the first vote: inside its lock-out, though 9 s before the latest.
    expect(state.isMisuse(T0 + 1_000, 2500)).toBe(true);
  });

  it('property: within one boot, counted votes are ≥ lockoutMs apart in uptime and each repeat is inside the lock-out of the vote before it', () => {
    fc.assert(fc.property(fc.array(fc.nat({ max: 6_000 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: -5_000, max: 5_000 }), (gaps, lockoutMs, jitter) => {
      const upMs = gaps.reduce<number[]>((acc, g) => [...acc, (acc.at(-1) ?? 0) + g], []);
      // Press times that disagree with uptime (late sends) must not change the verdicts.
      const presses = upMs.map((u, i) => ({ ...sameBoot([u])[0]!, pressedAt: T0 + u + (i === 0 ? 0 : jitter * i) }));
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
  const atTimes = (times: number[]) =>
    new DeviceVoteState(times.map((t) => ({ boot: 'boot-a', upMs: t - T0 + 100_000, sentUpMs: t - T0 + 100_000, pressedAt: t, receivedAt: t, misuse: false })));
  /** Judges `press` with budget `budget`; records it when stored. */
  const offer = (state: DeviceVoteState, press: VotePress, budget: number): 'stored' | 'over' => {
    const verdict = state.judge(press, rules(0, budget));
    if (!verdict.stored) return 'over';
    state.record(press, verdict.at, verdict.anchored, verdict.misuse, rules(0, budget));
    return 'stored';
  };

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
    const outcomes = [0, 10_000, 20_000, 30_000, 59_999, 60_000, 70_001, 79_999, 80_000].map((dt) => offer(state, sameBoot([dt])[0]!, 3));
    expect(outcomes).toEqual(['stored', 'stored', 'stored', 'over', 'over', 'stored', 'stored', 'over', 'stored']);
  });

  it('a journal replayed in one burst is judged by uptime, so honest presses are not refused', () => {
    const state = new DeviceVoteState();
    // 40 presses a minute apart in uptime on a boot that started 40 min ago, all sent in one burst
    // at uptime 40 min (sentUpMs restamped) and received within 20 ms.
    const presses = Array.from({ length: 40 }, (_, i): VotePress => ({ boot: 'boot-a', upMs: i * 60_000, sentUpMs: 2_400_000 + i / 2, pressedAt: T0 - 2_400_000 + i * 60_000, receivedAt: T0 + i / 2 }));
    expect(presses.map((press) => offer(state, press, 3)).filter((o) => o !== 'stored')).toEqual([]);
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
        expect(offer(state, sameBoot([t - T0])[0]!, budget)).toBe(expected ? 'over' : 'stored');
        if (!expected) stored.push(t);
      }
    }));
  });

  it('judges a late, older press against the presses of its own minute while they are remembered', () => {
    const state = new DeviceVoteState();
    for (const t of [0, 1000, 2000, 40_000]) state.record(sameBoot([t], 'A')[0]!, T0 + t, true, false);
    expect(state.isOverBudget(T0 + 30_000, 3)).toBe(true);
    expect(state.isOverBudget(T0 + 30_000, 4)).toBe(false);
    state.record(sameBoot([30_000], 'A')[0]!, T0 + 30_000, true, false);
    expect(state.isOverBudget(T0 + 95_000, 2)).toBe(false);
    expect(state.isOverBudget(T0 + 95_000, 1)).toBe(true);
  });

  it('presses the hub cannot date share an allowance on the hub clock: a burst, then the budget rate', () => {
    const state = new DeviceVoteState();
    const limits = { lockoutMs: 0, budgetPerMinute: 1000, unanchoredBurst: 3, unanchoredPerMinute: 6 };
    // A new boot per press, each claiming (by its own clock) to be a minute older than the last.
    const outcomes = Array.from({ length: 6 }, (_, i) => {
      const press = undated(`forged-${i}`, 0, T0 - i * 60_000, T0 + i);
      const verdict = state.judge(press, limits);
      if (!verdict.stored) return verdict.reason;
      state.record(press, verdict.at, verdict.anchored, verdict.misuse, limits);
      return 'stored';
    });
    expect(outcomes).toEqual(['stored', 'stored', 'stored', 'clock_unverified', 'clock_unverified', 'clock_unverified']);
    // Ten seconds of hub time earn one more (6 a minute).
    expect(state.judge(undated('forged-x', 0, T0 - 3_600_000, T0 + 10_000), limits)).toMatchObject({ stored: true });
    expect(state.judge(undated('forged-x', 0, T0 - 3_600_000, T0 + 9_000), limits)).toMatchObject({ stored: false, reason: 'clock_unverified' });
  });
});
