import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeJsonSyntaxError, firstJsonError } from '../../protocol/json-position.ts';

const parseError = (text: string): Error => {
  try {
    JSON.parse(text);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`valid JSON: ${text}`);
};

describe('JSON syntax errors as line and column (issue 14, item 10)', () => {
  it('names the line and column with the line and a caret', () => {
    const text = '{\n  "centre": { "id": "x" },\n  "services": [,]\n}\n';
    expect(describeJsonSyntaxError(text, parseError(text))).toBe(`line 3, column 16: Unexpected token ','\n        "services": [,]\n                     ^`);
    const missingComma = '{\n  "a": 1\n  "b": 2\n}';
    expect(describeJsonSyntaxError(missingComma, parseError(missingComma))).toMatch(/^line 3, column 3: /);
  });

  it('finds no error in valid JSON, and one in every text JSON.parse refuses', () => {
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.string({ maxLength: 3 }), (json, at, noise) => {
        expect(firstJsonError(json)).toBeNull();
        const cut = at % (json.length + 1);
        const broken = json.slice(0, cut) + noise + json.slice(cut);
        let valid = true;
        try {
          JSON.parse(broken);
        } catch {
          valid = false;
        }
        expect(firstJsonError(broken) === null).toBe(valid);
      }),
      { numRuns: 2000 },
    );
  });
});
