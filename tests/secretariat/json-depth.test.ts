import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exceedsDepth, parseWithDepthLimit, valueExceedsDepth } from '../../secretariat/sync/json-depth.ts';

/** Container nesting of a parsed value, as the scanner counts it (a scalar is 0). */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce((max: number, child) => Math.max(max, depthOf(child)), 0);
}

// Strings full of what a naive scanner trips over: brackets, quotes, backslashes.
const trickyString = fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a', ':', ',', ' ', '\n', 'é') });
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), trickyString, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(trickyString, tie('value'), { maxKeys: 4 }),
})).value;

describe('parseWithDepthLimit', () => {
  it('agrees with JSON.parse, and counts depth exactly, for any JSON text within reach', () => {
    fc.assert(
      fc.property(json, fc.integer({ min: 0, max: 8 }), (value, limit) => {
        const text = JSON.stringify(value);
        expect(exceedsDepth(text, limit)).toBe(depthOf(value) > limit);
        expect(valueExceedsDepth(value, limit)).toBe(depthOf(value) > limit);
        const parsed = parseWithDepthLimit(text, 64);
        expect(parsed).toEqual({ ok: true, value: JSON.parse(text), deep: new Map() });
      }),
      { numRuns: 500 },
    );
  });

  it('cuts out the records that nest too deep, with their seq and text, and parses the rest', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ deep: fc.boolean(), depth: fc.integer({ min: 5, max: 40 }), note: trickyString }), { minLength: 1, maxLength: 6 }), (specs) => {
        const records = specs.map((spec, i) => {
          const data = spec.deep ? `${'['.repeat(spec.depth)}${JSON.stringify(spec.note)}${']'.repeat(spec.depth)}` : JSON.stringify({ note: spec.note });
          // Keys in any order, seq last for odd ones: the scanner must find it wherever it is.
          return i % 2 === 0 ? `{"seq":${i + 1},"data":${data}}` : `{"data":${data}, "seq" : ${i + 1}}`;
        });
        const text = `{"v":1,"note":${JSON.stringify('[[[')},"events":[${records.join(', ')}]}`;
        const parsed = parseWithDepthLimit(text, 4, 'events');
        if (!parsed.ok) throw new Error(parsed.message);
        const events = (parsed.value as { events: unknown[] }).events;
        specs.forEach((spec, i) => {
          if (spec.deep) {
            expect(events[i]).toBeNull();
            expect(parsed.deep.get(i)).toEqual({ index: i, seq: i + 1, raw: records[i], field: 'data' });
          } else {
            expect(events[i]).toEqual({ seq: i + 1, data: { note: spec.note } });
          }
        });
        expect(parsed.deep.size).toBe(specs.filter((spec) => spec.deep).length);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses depth outside the records, and takes scalar records into account', () => {
    expect(parseWithDepthLimit(`{"events":[],"other":${'['.repeat(10)}${']'.repeat(10)}}`, 4, 'events')).toEqual({ ok: false, message: 'nests deeper than 4 levels, the limit' });
    expect(parseWithDepthLimit(`${'['.repeat(10)}${']'.repeat(10)}`, 4)).toMatchObject({ ok: false });
    const parsed = parseWithDepthLimit(`{"events":[1,"x",null,{"seq":7,"data":${'{"a":'.repeat(9)}0${'}'.repeat(9)}},true]}`, 4, 'events');
    expect(parsed).toMatchObject({ ok: true, value: { events: [1, 'x', null, null, true] } });
    expect(parsed.ok && parsed.deep.get(3)).toMatchObject({ seq: 7, field: 'data' });
  });

  it('handles 100,000 levels in one linear pass', () => {
    const text = `{"events":[{"seq":1,"data":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`;
    const parsed = parseWithDepthLimit(text, 67, 'events');
    expect(parsed).toMatchObject({ ok: true, value: { events: [null] } });
    expect(parsed.ok && parsed.deep.get(0)?.raw.length).toBe(text.length - '{"events":[]}'.length);
  });
});
