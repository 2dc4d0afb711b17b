import { readFileSync } from 'node:fs';

/** The software version, from package.json (one source of truth, shared with the hub's release). */
export const SECRETARIAT_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
