import { AlphaSign } from '../../hardware/alpha/alpha-sign.ts';
import type { CallSign } from './serial-call-signs.ts';

/**
 * One Alpha sign on an RS-485 line (hardware/alpha) as a CallSign. Several signs may
 * share a line (multi-drop, one address each): they share one driver. Healthy = the
 * line is open and, when the sign answers ACK/NAK, it answered the last packet.
 */
export class AlphaHallSign implements CallSign {
  readonly kind = 'hall' as const;
  readonly counterId = null;
  readonly id: string;
  readonly #driver: AlphaSign;
  readonly #address: string;
  readonly #listeners = new Set<(healthy: boolean, reason: string | null) => void>();
  #healthy: boolean;

  constructor(options: { id: string; driver: AlphaSign; address: string }) {
    this.id = options.id;
    this.#driver = options.driver;
    this.#address = options.address;
    this.#healthy = this.#driver.connected;
    options.driver.on('connected', () => this.#set(this.#boardHealthy(), null));
    options.driver.on('disconnected', (error) => this.#set(false, `serial line closed${error ? `: ${error.message}` : ''}`));
    options.driver.on('unhealthy', ({ address, message }) => address === this.#address && this.#set(false, message));
    options.driver.on('healthy', ({ address }) => address === this.#address && this.#set(this.#driver.connected, null));
  }

  show(line1: string): Promise<void> {
    return this.#driver.show(this.#address, line1);
  }

  healthy(): boolean {
    return this.#healthy;
  }

  onHealth(listener: (healthy: boolean, reason: string | null) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The shared driver is stopped by whoever started it (displays-part.ts). */
  async close(): Promise<void> {
    this.#listeners.clear();
  }

  #boardHealthy(): boolean {
    return this.#driver.connected && (this.#driver.health().boards[this.#address]?.healthy ?? true);
  }

  #set(healthy: boolean, reason: string | null): void {
    if (healthy === this.#healthy) return;
    this.#healthy = healthy;
    for (const listener of this.#listeners) listener(healthy, reason);
  }
}
