/**
 * What a sign does with the control codes inside a text file's text
 * (docs/protocols/alpha-sign.md §9): colours, string calls, speeds, character sets and
 * attributes are acted on, never shown as characters. Each code is consumed by its exact
 * length, so the text after it stays intact.
 */

/** `1C x`: the colour codes (alphasign's names, §9). `1C Z rrggbb` is an RGB colour. */
const COLOURS: Readonly<Record<string, string>> = {
  '1': 'red', '2': 'green', '3': 'amber', '4': 'dimRed', '5': 'dimGreen', '6': 'brown', '7': 'orange', '8': 'yellow',
  '9': 'rainbow1', A: 'rainbow2', B: 'colourMix', C: 'autocolour',
};

/** `ESC <position> n <x>`: the special modes, by their second character (§9). */
export const SPECIAL_MODES: Readonly<Record<string, string>> = {
  '0': 'twinkle', '1': 'sparkle', '2': 'snow', '3': 'interlock', '4': 'switch', '5': 'slide', '6': 'spray', '7': 'starburst',
  '8': 'welcome', '9': 'slotMachine', A: 'newsFlash', B: 'trumpet', C: 'cycleColours', S: 'thankYou', U: 'noSmoking',
  V: 'dontDrinkAndDrive', W: 'runningAnimal', X: 'fireworks', Y: 'turboCar', Z: 'cherryBomb',
};

/** `08 x`: extended characters the emulator can show (the rest show as U+FFFD). */
const EXTENDED: Readonly<Record<number, string>> = {
  0x64: '↑', 0x65: '↓', 0x66: '←', 0x67: '→', 0x6c: '♥', 0x72: '©', 0x73: '♂', 0x74: '♀', 0x78: '♪', 0x79: '∞',
};

/** Codes followed by one parameter byte that only change how text looks (§9). */
const ONE_PARAMETER = new Set([
  0x05, // double-high characters off/on
  0x06, // true descenders off/on
  0x07, // character flash off/on
  0x1a, // character set
  0x1e, // character spacing
]);
export interface RenderedText {
  /** What the sign shows: printable characters, string calls filled in, `\n` for a new line or page. */
  text: string;
  /** Colours selected in the text, in order (`red`, …, or `#RRGGBB`). */
  colours: string[];
  /** Labels of the STRING files the text calls (`10 <label>`). */
  stringCalls: string[];
}

/**
 * The text of a mode field as a sign shows it. `strings(label)` gives a STRING file's
 * current contents (its own codes are interpreted too; calls inside it are not followed).
 */
export function renderText(raw: Buffer, strings: (label: string) => Buffer | undefined = () => undefined, nested = false): RenderedText {
  const out: RenderedText = { text: '', colours: [], stringCalls: [] };
  let i = 0;
  const next = (): string => String.fromCharCode(raw[++i] ?? 0x20);
  for (; i < raw.length; i++) {
    const byte = raw[i]!;
    if (byte >= 0x20 && byte !== 0x7f) {
      out.text += String.fromCharCode(byte);
    } else if (byte === 0x1c) {
      const code = next();
      if (code === 'Z' || code === 'Y') {
        const rgb = raw.subarray(i + 1, i + 7).toString('latin1').toUpperCase();
        i += 6;
        if (code === 'Z') out.colours.push(`#${rgb}`); // Y is the shadow colour
      } else {
        out.colours.push(COLOURS[code] ?? `colour ${code}`);
      }
    } else if (byte === 0x10) {
      const label = next();
      out.stringCalls.push(label);
      const contents = nested ? undefined : strings(label);
      if (contents) {
        const inner = renderText(contents, strings, true);
        out.text += inner.text;
        out.colours.push(...inner.colours);
      }
    } else if (byte === 0x08) {
      out.text += EXTENDED[raw[++i] ?? 0] ?? '\ufffd';
    } else if (byte === 0x0b) {
      i++;
      out.text += '[date]'; // the sign's clock: not modelled
    } else if (byte === 0x13) {
      out.text += '[time]';
    } else if (byte === 0x14) {
      out.text += `[picture ${next()}]`;
    } else if (byte === 0x0d || byte === 0x0c) {
      out.text += '\n';
    } else if (byte === 0x1d) {
      i += 2; // character attribute and on/off
    } else if (ONE_PARAMETER.has(byte)) {
      i++;
    } // 09 no-hold speed, 11/12 wide off/on, 15–19 speeds, and unknown codes: never shown
  }
  return out;
}

