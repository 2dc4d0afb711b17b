import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** What the bridge reports as `fw` in status and telemetry (wire contract v1). */
export const BRIDGE_FIRMWARE = `huduma-bridge/${pkg.version}`;
