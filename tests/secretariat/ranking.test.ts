import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rankCentres, type Rankable } from '../../secretariat/noc/ranking.ts';

const centre = (centreId: string, silent: boolean, oldestUnsyncedAgeS: number | null): Rankable => ({
  centreId,
  alarms: silent ? ['silent', 'backlog'] : oldestUnsyncedAgeS !== null && oldestUnsyncedAgeS > 3600 ? ['backlog'] : [],
  oldestUnsyncedAgeS,
});

describe('NOC ranking', () => {
  it('puts silent centres first, then the oldest backlog, then centre id', () => {
    const input = [
      centre('kisumu', false, 30),
      centre('nyeri', false, 7200),
      centre('mombasa', true, 10),
      centre('eldoret', false, null),
      centre('garissa', true, 5000),
      centre('embu', false, 30),
      centre('kakamega', true, null),
    ];
    const snapshot = input.map((c) => c.centreId);
    expect(rankCentres(input).map((c) => c.centreId)).toEqual(['garissa', 'mombasa', 'kakamega', 'nyeri', 'embu', 'kisumu', 'eldoret']);
    // Pure: the input order is untouched.
    expect(input.map((c) => c.centreId)).toEqual(snapshot);
  });

  it('property: a permutation, silent centres first, and stable under shuffling', () => {
    const arbCentre = fc.record({
      centreId: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,7}$/),
      silent: fc.boolean(),
      age: fc.option(fc.integer({ min: 0, max: 10 * 86_400 }), { nil: null }),
    });
    const arbCentres = fc.uniqueArray(arbCentre, { selector: (c) => c.centreId, maxLength: 40 }).map((list) => list.map((c) => centre(c.centreId, c.silent, c.age)));
    fc.assert(
      fc.property(arbCentres, fc.func(fc.integer()), (centres, shuffleKey) => {
        const ranked = rankCentres(centres);
        // A permutation: same elements, same count.
        expect(ranked).toHaveLength(centres.length);
        expect(new Set(ranked)).toEqual(new Set(centres));
        // Silent centres form a prefix.
        const silent = ranked.map((c) => c.alarms.includes('silent'));
        const firstNotSilent = silent.indexOf(false);
        if (firstNotSilent >= 0) expect(silent.slice(firstNotSilent)).not.toContain(true);
        // Inside each group, the oldest backlog (unknown last) comes first.
        for (let i = 1; i < ranked.length; i += 1) {
          if (silent[i] !== silent[i - 1]) continue;
          expect(ranked[i - 1]!.oldestUnsyncedAgeS ?? -1).toBeGreaterThanOrEqual(ranked[i]!.oldestUnsyncedAgeS ?? -1);
        }
        // The order depends on the centres, not on how they were listed.
        const shuffled = [...centres].sort((a, b) => shuffleKey(a.centreId) - shuffleKey(b.centreId));
        expect(rankCentres(shuffled).map((c) => c.centreId)).toEqual(ranked.map((c) => c.centreId));
      }),
    );
  });
});
