import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_CENTRE_PATH } from '../../hub/config/load.ts';

/** Writes the sample centre with `patch` merged into its top-level sections, for `huduma-hub start --config`. */
export function writeCentreConfig(dir: string, patch: Record<string, Record<string, unknown>>): string {
  const config = JSON.parse(readFileSync(SAMPLE_CENTRE_PATH, 'utf8')) as Record<string, Record<string, unknown>>;
  for (const [section, values] of Object.entries(patch)) config[section] = { ...config[section], ...values };
  const path = join(dir, 'centre.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}
