// Shared by every config boundary (hub, bridge, Secretariat): no dependencies.

/**
 * A JSON syntax error as an operator can find it in an editor: line and column, and the
 * line itself with a caret. Node 20's JSON.parse gives a character offset at best ("at
 * position 1234") and often only an excerpt ("Unexpected token '}', ..."), so the
 * offset is found here by a small scan of the JSON grammar (RFC 8259).
 */
export function describeJsonSyntaxError(text: string, error: Error): string {
  const position = firstJsonError(text);
  const reason = error.message.replace(/\s*\(line \d+ column \d+\)$/, '').replace(/,? ?(in JSON )?at position \d+/, '').replace(/, (\.\.\.)?".*" is not valid JSON$/s, '');
  if (position === null) return reason;
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - (before.lastIndexOf('\n') + 1) + 1;
  const lineText = (text.split('\n')[line - 1] ?? '').replace(/\r$/, '');
  const start = Math.max(0, column - 60);
  return `line ${line}, column ${column}: ${reason}\n      ${lineText.slice(start, start + 100)}\n      ${' '.repeat(column - 1 - start)}^`;
}

/** The offset of the first character that cannot continue a valid JSON text; null if there is none. */
export function firstJsonError(text: string): number | null {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  const string = () => {
    i++;
    for (;;) {
      const ch = text[i];
      if (ch === undefined || ch < ' ') fail();
      if (ch === '"') return void i++;
      if (ch === '\\') {
        i++;
        if (text[i] === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) {
              i += k;
              fail();
            }
          }
          i += 5;
        } else if ('"\\/bfnrt'.includes(text[i] ?? '!')) i++;
        else fail();
      } else i++;
    }
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match || match[0] === '-') fail();
    i += match![0].length;
  };
  const value = (): void => {
    space();
    const ch = text[i];
    if (ch === '{') return members('}', () => {
      if (text[i] !== '"') fail();
      string();
      space();
      if (text[i] !== ':') fail();
      i++;
      value();
    });
    if (ch === '[') return members(']', value);
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    return number();
  };
  const members = (close: string, member: () => void) => {
    i++;
    space();
    if (text[i] === close) return void i++;
    for (;;) {
      space();
      member();
      space();
      if (text[i] === ',') i++;
      else if (text[i] === close) return void i++;
      else fail();
    }
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) i++;
    value();
    space();
    return i < text.length ? i : null;
  } catch (at) {
    return typeof at === 'number' ? Math.min(at, text.length) : null;
  }
}
