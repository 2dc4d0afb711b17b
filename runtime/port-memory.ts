import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE } from './private-files.ts';

/**
 * The fallback ports a program took in its data dir, so a restart comes back on the same
 * ones (docs/install.md, "Ports"). A default port that is taken (1883 on a box that runs
 * mosquitto) is replaced by a free one; without this file every restart picked a new one
 * and a bridge set up from the banner kept retrying the old port.
 */
export const PORT_MEMORY_FILE = 'listen-ports.json';

export interface PortMemory {
  /** The fallback port last taken for `what` ("MQTT", "HTTP"), if any. */
  recall(what: string): number | undefined;
  /** Remembers a fallback port; `null` forgets it (the default port was free again). */
  keep(what: string, port: number | null): void;
}

/** A PortMemory kept as a small JSON file in a data dir the program owns. */
export function portMemoryIn(dataDir: string): PortMemory {
  const path = join(dataDir, PORT_MEMORY_FILE);
  const read = (): Record<string, number> => {
    try {
      const value = JSON.parse(readFileSync(path, 'utf8')) as unknown;
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, number>) : {};
    } catch {
      // Missing or damaged: the file is only a preference, a fresh fallback does.
      return {};
    }
  };
  return {
    recall(what) {
      const port = read()[what];
      return Number.isInteger(port) && port! > 0 && port! <= 65535 ? port : undefined;
    },
    keep(what, port) {
      const ports = read();
      if (port === null) delete ports[what];
      else ports[what] = port;
      // Written whole and renamed: a crash leaves the old file or the new one.
      const temp = `${path}.tmp`;
      writeFileSync(temp, `${JSON.stringify(ports)}\n`, { mode: PRIVATE_FILE_MODE });
      renameSync(temp, path);
    },
  };
}
