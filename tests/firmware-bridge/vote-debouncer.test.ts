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
});
