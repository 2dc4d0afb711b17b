import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualBridgeClock } from '../../firmware-bridge/clock.ts';
import { VoteDebouncer } from '../../firmware-bridge/vote-debouncer.ts';

function setup(debounceMs = 45) {
  const clock = new ManualBridgeClock();
  const votes: { pin: number; at: number }[] = [];
  const debouncer = new VoteDebouncer(clock, { debounceMs, pins: [2, 3, 4, 5] }, (pin) => votes.push({ pin, at: clock.uptimeMs() }));
  return { clock, votes, debouncer };
}

describe('VoteDebouncer', () => {
  it('counts a press held stable for the debounce time, while it is still held', () => {
    const { clock, votes, debouncer } = setup();
    debouncer.level(2, true);
    clock.advance(44);
    expect(votes).toEqual([]);
    clock.advance(1);
    expect(votes).toEqual([{ pin: 2, at: 45 }]);
  });

  it('turns a bouncing press (several edges inside the window) into one vote', () => {
    const { clock, votes, debouncer } = setup();
    for (const gap of [2, 1, 3, 2, 5, 1]) {
      debouncer.level(3, true);
      clock.advance(gap);
      debouncer.level(3, false);
      clock.advance(gap);
    }
    debouncer.level(3, true);
    clock.advance(200);
    // Release bounce must not re-arm the button either.
    for (let i = 0; i < 4; i++) {
      debouncer.level(3, false);
      clock.advance(3);
      debouncer.level(3, true);
      clock.advance(3);
    }
    debouncer.level(3, false);
    clock.advance(500);
    expect(votes.map((v) => v.pin)).toEqual([3]);
  });

  it('ignores glitches shorter than the debounce time', () => {
    const { clock, votes, debouncer } = setup();
    debouncer.level(4, true);
    clock.advance(30);
    debouncer.level(4, false);
    clock.advance(1000);
    expect(votes).toEqual([]);
  });

  it('needs a release before the same button votes again', () => {
    const { clock, votes, debouncer } = setup();
    debouncer.level(2, true);
    clock.advance(5000);
    expect(votes).toHaveLength(1);
    debouncer.level(2, false);
    clock.advance(45);
    debouncer.level(2, true);
    clock.advance(45);
    expect(votes).toHaveLength(2);
  });

  it('counts neither of two buttons pressed together (a palm on the panel)', () => {
    const { clock, votes, debouncer } = setup();
    debouncer.level(2, true);
    clock.advance(10);
    debouncer.level(5, true);
    clock.advance(1000);
    debouncer.level(2, false);
    clock.advance(1000);
    debouncer.level(5, false);
    clock.advance(1000);
    expect(votes).toEqual([]);
    // Both work normally afterwards.
    debouncer.level(5, true);
    clock.advance(45);
    expect(votes.map((v) => v.pin)).toEqual([5]);
  });

  it('ignores a second button pressed while a counted one is held', () => {
    const { clock, votes, debouncer } = setup();
    debouncer.level(2, true);
    clock.advance(100);
    debouncer.level(3, true);
    clock.advance(100);
    debouncer.level(2, false);
    clock.advance(1000);
    expect(votes.map((v) => v.pin)).toEqual([2]);
  });

  it('a button down when the board is armed (stuck, or held through a replug) counts only after a release', () => {
    const { clock, votes, debouncer } = setup();
    debouncer.reset([3]);
    clock.advance(1000);
    expect(votes).toEqual([]);
    debouncer.level(3, false);
    clock.advance(45);
    debouncer.level(3, true);
    clock.advance(45);
    expect(votes.map((v) => v.pin)).toEqual([3]);
  });

  it('a stuck button does not silence the others, and is reported', () => {
    const { clock, votes, debouncer } = setup();
    debouncer.level(5, true);
    clock.advance(45);
    expect(votes.map((v) => v.pin)).toEqual([5]);
    clock.advance(6000);
    expect(debouncer.stuckPins()).toEqual([5]);
    debouncer.level(2, true);
    clock.advance(45);
    expect(votes.map((v) => v.pin)).toEqual([5, 2]);
  });

  it('property: never more votes than presses held at least debounceMs, never a vote for a shorter press', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ down: fc.integer({ min: 1, max: 120 }), up: fc.integer({ min: 1, max: 120 }) }), { maxLength: 40 }), (presses) => {
        const { clock, votes, debouncer } = setup(45);
        let long = 0;
        for (const { down, up } of presses) {
          debouncer.level(2, true);
          clock.advance(down);
          debouncer.level(2, false);
          clock.advance(up);
          if (down >= 45) long += 1;
        }
        expect(votes.length).toBeLessThanOrEqual(long);
        if (presses.every((p) => p.down < 45)) expect(votes).toEqual([]);
        // With every gap long enough to re-arm, every long press counts.
        if (presses.every((p) => p.up >= 45)) expect(votes.length).toBe(long);
      }),
    );
  });

  // Issue 14: the bridge saw D2 go down in the same millisecond as D5 (which had voted)
  // went up, D2's edge first, and counted D2 as a palm beside a held D5: no vote and no
  // acknowledgment for a citizen who pressed properly.
  it('counts a press that begins in the same millisecond another (voted) button is released, in either order', () => {
    for (const pressFirst of [true, false]) {
      const { clock, votes, debouncer } = setup();
      debouncer.level(5, true);
      clock.advance(300);
      if (pressFirst) debouncer.level(2, true);
      debouncer.level(5, false);
      if (!pressFirst) debouncer.level(2, true);
      clock.advance(45);
      expect(votes.map((v) => v.pin), `D2 ${pressFirst ? 'before' : 'after'} D5`).toEqual([5, 2]);
    }
  });

  it('counts a press that begins while another button bounces on its release', () => {
    const { clock, votes, debouncer } = setup();
    debouncer.level(5, true);
    clock.advance(300);
    debouncer.level(5, false);
    clock.advance(2);
    debouncer.level(2, true);
    for (const gap of [1, 2, 3]) {
      debouncer.level(5, true);
      clock.advance(gap);
      debouncer.level(5, false);
      clock.advance(gap);
    }
    clock.advance(45);
    expect(votes.map((v) => v.pin)).toEqual([5, 2]);
  });

  it('property: a press that begins around another button\'s release (with bounce on both) votes once', () => {
    const bounce = fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 4 });
    fc.assert(
      fc.property(
        fc.integer({ min: 30, max: 60 }),
        fc.constantFrom([2, 5], [5, 2], [3, 4], [4, 3], [2, 3], [5, 4]),
        bounce,
        bounce,
        fc.integer({ min: -1000, max: 1000 }),
        fc.boolean(),
        (debounceMs, [a, b], releaseBounce, pressBounce, offsetPermille, pressFirstOnTies) => {
          const { clock, votes, debouncer } = setup(debounceMs);
          const aBounce = releaseBounce.reduce((s, g) => s + 2 * g, 0);
          const bBounce = pressBounce.reduce((s, g) => s + 2 * g, 0);
          // B goes down anywhere from just early enough that A has settled when B's
          // debounce ends, up to 3 debounce times after A's release begins.
          const earliest = aBounce - bBounce - debounceMs + 1;
          const latest = 3 * debounceMs;
          const offset = Math.round(earliest + ((offsetPermille + 1000) / 2000) * (latest - earliest));
          const release = 3 * debounceMs; // A has voted long before
          const events: { t: number; pin: number; down: boolean; order: number }[] = [{ t: 0, pin: a, down: true, order: 0 }];
          let t = release;
          for (const gap of releaseBounce) {
            events.push({ t, pin: a, down: false, order: 0 }, { t: t + gap, pin: a, down: true, order: 0 });
            t += 2 * gap;
          }
          events.push({ t, pin: a, down: false, order: 0 });
          t = release + offset;
          for (const gap of pressBounce) {
            events.push({ t, pin: b, down: true, order: 1 }, { t: t + gap, pin: b, down: false, order: 1 });
            t += 2 * gap;
          }
          events.push({ t, pin: b, down: true, order: 1 });
          const tie = pressFirstOnTies ? -1 : 1;
          events.sort((x, y) => x.t - y.t || (x.order - y.order) * -tie);
          let now = 0;
          for (const event of events) {
            clock.advance(event.t - now);
            now = event.t;
            debouncer.level(event.pin, event.down);
          }
          clock.advance(debounceMs + 1000);
          expect(votes.map((v) => v.pin)).toEqual([a, b]);
        },
      ),
    );
  });

  it('property: any interleaving of four buttons: a vote only for a press held debounceMs alone, one per press', () => {
    const edge = fc.record({ pin: fc.constantFrom(2, 3, 4, 5), gap: fc.integer({ min: 0, max: 80 }) });
    fc.assert(
      fc.property(fc.array(edge, { maxLength: 60 }), (edges) => {
        const debounceMs = 45;
        const clock = new ManualBridgeClock();
        const down = new Map<number, number | null>([2, 3, 4, 5].map((pin) => [pin, null]));
        const votedSinceRelease = new Set<number>();
        const problems: string[] = [];
        const debouncer = new VoteDebouncer(clock, { debounceMs, pins: [2, 3, 4, 5] }, (pin) => {
          const now = clock.uptimeMs();
          const since = down.get(pin);
          if (since === null || since === undefined || now - since < debounceMs) problems.push(`D${pin} voted without being held ${debounceMs} ms`);
          for (const [other, at] of down) if (other !== pin && at !== null && at !== undefined) problems.push(`D${pin} voted while D${other} was held`);
          if (votedSinceRelease.has(pin)) problems.push(`D${pin} voted twice in one press`);
          votedSinceRelease.add(pin);
        });
        for (const { pin, gap } of edges) {
          clock.advance(gap);
          const isDown = down.get(pin) !== null;
          down.set(pin, isDown ? null : clock.uptimeMs());
          if (isDown) votedSinceRelease.delete(pin);
          debouncer.level(pin, !isDown);
        }
        clock.advance(1000);
        expect(problems).toEqual([]);
      }),
    );
  });
});
