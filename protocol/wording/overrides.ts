import { z } from 'zod';
import { LocalizedText } from '../queue/ticket.ts';
import { STRINGS, type StringKey } from './strings.ts';

/** The wording in force: the built-in table with a centre's overrides applied. */
export type Strings = Readonly<Record<StringKey, LocalizedText>>;

const KEYS = Object.keys(STRINGS) as StringKey[];

/**
 * A centre config's `strings`: any entry of the table, in both languages. A key the
 * table does not have is refused (`unknown key "…" (remove it or check its spelling)`),
 * so a typo or wording no page shows is caught at start instead of silently ignored.
 */
export const StringsOverride = z.strictObject(Object.fromEntries(KEYS.map((key) => [key, LocalizedText.optional()])) as Record<StringKey, z.ZodOptional<typeof LocalizedText>>);
export type StringsOverride = z.infer<typeof StringsOverride>;

/** The table with `overrides` applied (none: the built-in wording). */
export function resolveStrings(overrides: Partial<Record<StringKey, LocalizedText | undefined>> = {}): Strings {
  const strings = { ...STRINGS } as Record<StringKey, LocalizedText>;
  for (const key of KEYS) {
    const override = overrides[key];
    if (override) strings[key] = { en: override.en, sw: override.sw };
  }
  return strings;
}
