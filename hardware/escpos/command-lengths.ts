/**
 * How long each ESC/POS command is (docs/protocols/escpos.md §9): the framing table the
 * parser's state machine asks. A printer that misjudges one length prints the rest of
 * the command as text and loses the next cut, so every command of the Epson reference is
 * here — also those the emulator only skips.
 */
export const ESC = 0x1b;
export const GS = 0x1d;
export const DLE = 0x10;
export const FS = 0x1c;

/**
 * What the parser knows about a command from its first bytes:
 * - a number: its total length;
 * - `until`: it ends at the `count`-th `byte` found at index `from` or later, or at `max` bytes;
 * - `atLeast`: ask again once the command holds that many bytes (a header further in);
 * - undefined: ask again after the next byte.
 */
export type Frame = number | { until: number; count: number; from: number; max: number } | { atLeast: number } | undefined;

/** ESC commands with a fixed count of parameter bytes (§9). */
export const ESC_PARAMS: Readonly<Record<number, number>> = {
  0x0c: 0, 0x20: 1, 0x21: 1, 0x24: 2, 0x25: 1, 0x2b: 1, 0x2d: 1, 0x32: 0, 0x33: 1, 0x3c: 0, 0x3d: 1, 0x3f: 1,
  0x40: 0, 0x41: 1, 0x42: 2, 0x45: 1, 0x47: 1, 0x4a: 1, 0x4b: 1, 0x4c: 0, 0x4d: 1, 0x52: 1, 0x53: 0, 0x54: 1,
  0x55: 1, 0x56: 1, 0x57: 8, 0x5c: 2, 0x61: 1, 0x63: 2, 0x64: 1, 0x65: 1, 0x69: 0, 0x6d: 0, 0x70: 3, 0x72: 1,
  0x74: 1, 0x75: 1, 0x76: 0, 0x7b: 1,
};
/** GS commands with a fixed count of parameter bytes (§9). */
export const GS_PARAMS: Readonly<Record<number, number>> = {
  0x21: 1, 0x24: 2, 0x2f: 1, 0x3a: 0, 0x42: 1, 0x45: 1, 0x48: 1, 0x49: 1, 0x4c: 2, 0x50: 2, 0x54: 1, 0x57: 2,
  0x5c: 2, 0x5e: 3, 0x61: 1, 0x62: 1, 0x63: 0, 0x66: 1, 0x67: 4, 0x68: 1, 0x6a: 1, 0x72: 1, 0x77: 1, 0x7a: 3,
  0x7c: 1,
};
/** FS commands with a fixed count of parameter bytes (§9). */
export const FS_PARAMS: Readonly<Record<number, number>> = {
  0x21: 1, 0x26: 0, 0x2d: 1, 0x2e: 0, 0x32: 74, 0x3f: 2, 0x43: 1, 0x53: 2, 0x57: 1, 0x70: 2,
};
/** ESC, GS and FS codes whose length depends on their parameters (§9). */
export const ESC_VARIABLE: ReadonlySet<number> = new Set([0x26, 0x28, 0x2a, 0x44]);
export const GS_VARIABLE: ReadonlySet<number> = new Set([0x28, 0x2a, 0x38, 0x43, 0x56, 0x6b, 0x76]);
export const FS_VARIABLE: ReadonlySet<number> = new Set([0x28, 0x67, 0x71]);

const word = (bytes: readonly number[], at: number): number => bytes[at]! + 256 * bytes[at + 1]!;

/** `x pL pH …` after a two-byte prefix (`ESC (`, `GS (`, `FS (`): 16-bit body length. */
const paren = (p: readonly number[]): Frame => (p.length < 5 ? undefined : 5 + word(p, 3));

/** Length of the command starting with `prefix` (its first byte is a control byte). */
export function commandLength(prefix: readonly number[]): Frame {
  const [first, second] = prefix;
  if (first !== ESC && first !== GS && first !== DLE && first !== FS) return 1;
  if (second === undefined) return undefined;
  switch (first) {
    case ESC: return escLength(prefix, second);
    case GS: return gsLength(prefix, second);
    case FS: return fsLength(prefix, second);
    default: return dleLength(prefix, second);
  }
}

function escLength(p: readonly number[], code: number): Frame {
  switch (code) {
    case 0x26: return defineCharacters(p); // ESC & y c1 c2 [x d1…d(y·x)]…
    case 0x28: return paren(p); // ESC ( A / ESC ( Y pL pH …
    case 0x2a: // ESC * m nL nH d…: 8-dot modes (0, 1) one byte a column, 24-dot (32, 33) three
      return p.length < 5 ? undefined : 5 + word(p, 3) * (p[2]! & 0x20 ? 3 : 1);
    case 0x44: return { until: 0x00, count: 1, from: 2, max: 2 + 33 }; // ESC D n1…nk NUL, k ≤ 32
  }
  return 2 + (ESC_PARAMS[code] ?? 0);
}

function gsLength(p: readonly number[], code: number): Frame {
  const third = p[2];
  switch (code) {
    case 0x28: return paren(p); // GS ( A…GS ( Z pL pH …
    case 0x2a: return p.length < 4 ? undefined : 4 + p[2]! * p[3]! * 8; // GS * x y d…
    case 0x38: // GS 8 L p1 p2 p3 p4 …: graphics with a 32-bit length
      return p.length < 7 ? undefined : 7 + p[3]! + 256 * p[4]! + 65_536 * p[5]! + 16_777_216 * p[6]!;
    case 0x43: // GS C 0 n m / GS C 1 aL aH bL bH n r / GS C 2 nL nH / GS C ; sa ; … sc ;
      if (third === undefined) return undefined;
      if (third === 0x3b) return { until: 0x3b, count: 5, from: 3, max: 64 };
      return third === 0x01 || third === 0x31 ? 9 : 5;
    case 0x56: return third === undefined ? undefined : third >= 0x41 ? 4 : 3; // GS V m [n]
    case 0x6b: // GS k m d… NUL (m 0…6) / GS k m n d1…dn (m 65…)
      if (third === undefined) return undefined;
      if (third <= 6) return { until: 0x00, count: 1, from: 3, max: 3 + 255 };
      return p.length < 4 ? undefined : 4 + p[3]!;
    case 0x76: return p.length < 8 ? undefined : 8 + word(p, 4) * word(p, 6); // GS v 0 m xL xH yL yH d…
  }
  return 2 + (GS_PARAMS[code] ?? 0);
}

function fsLength(p: readonly number[], code: number): Frame {
  switch (code) {
    case 0x28: return paren(p);
    case 0x67: // FS g 1 m a1 a2 a3 a4 nL nH d1…dn (write NV user memory) / FS g 2 … (read)
      if (p.length < 3) return undefined;
      if (p[2] !== 0x31) return 10;
      return p.length < 10 ? undefined : 10 + word(p, 8);
    case 0x71: return nvImages(p); // FS q n [xL xH yL yH d1…d(x·y·8)]…
  }
  return 2 + (FS_PARAMS[code] ?? 0);
}

/** DLE EOT n, DLE ENQ n; DLE DC4 fn …: fn 1/2 (pulse, power-off) 5, fn 7 4, fn 8 10 (§9). */
function dleLength(p: readonly number[], code: number): Frame {
  if (code === 0x04 || code === 0x05) return 3;
  if (code !== 0x14) return 2;
  const fn = p[2];
  if (fn === undefined) return undefined;
  return fn === 0x07 ? 4 : fn === 0x08 ? 10 : 5;
}

/** `ESC & y c1 c2` then, per character c1…c2, `x` and y·x bytes. */
function defineCharacters(p: readonly number[]): Frame {
  if (p.length < 5) return undefined;
  const y = p[2]!;
  let at = 5;
  for (let char = p[3]!; char <= p[4]!; char++) {
    if (p.length <= at) return { atLeast: at + 1 };
    at += 1 + y * p[at]!;
  }
  return at;
}

/** `FS q n` then n images, each `xL xH yL yH` and (x·y·8) bytes. */
function nvImages(p: readonly number[]): Frame {
  if (p.length < 3) return undefined;
  let at = 3;
  for (let image = 0; image < p[2]!; image++) {
    if (p.length < at + 4) return { atLeast: at + 4 };
    at += 4 + word(p, at) * word(p, at + 2) * 8;
  }
  return at;
}
