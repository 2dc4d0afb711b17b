import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DeviceConfigMessage } from '../protocol/messages/config.ts';

/**
 * The hub's last retained config for one device, kept on disk so a bridge that
 * restarts while the hub is unreachable still applies the centre's lock-out and
 * debounce instead of its defaults.
 */
export class SavedHubConfig {
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  load(): DeviceConfigMessage | null {
    try {
      const parsed = DeviceConfigMessage.safeParse(JSON.parse(readFileSync(this.#path, 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  save(config: DeviceConfigMessage): void {
    const temp = `${this.#path}.tmp`;
    writeFileSync(temp, JSON.stringify(config));
    renameSync(temp, this.#path);
  }
}
