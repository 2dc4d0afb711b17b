import type { DmdDisplay } from '../../hardware/vfd/dmd-display.ts';
import type { CallSign } from './serial-call-signs.ts';

/**
 * The 2x20 customer display above a counter (hardware/vfd, Epson DM-D commands) as a
 * CallSign. The protocol has no answer, so healthy = the line is open and writes drain.
 */
export class DmdCounterSign implements CallSign {
  readonly kind = 'counter' as const;
  readonly id: string;
  readonly counterId: string;
  readonly #driver: DmdDisplay;
  readonly #listeners = new Set<(healthy: boolean, reason: string | null) => void>();

  constructor(options: { counterId: string; driver: DmdDisplay }) {
    this.counterId = options.counterId;
    this.id = `display-${options.counterId}`;
    this.#driver = options.driver;
    options.driver.on('healthy', () => this.#emit(true, null));
    options.driver.on('unhealthy', ({ message }) => this.#emit(false, message));
  }

  show(line1: string, line2: string): Promise<void> {
    return this.#driver.show(line1, line2);
  }

  healthy(): boolean {
    return this.#driver.healthy;
  }

  onHealth(listener: (healthy: boolean, reason: string | null) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The driver is stopped by whoever started it (displays-part.ts). */
  async close(): Promise<void> {
    this.#listeners.clear();
  }

  #emit(healthy: boolean, reason: string | null): void {
    for (const listener of this.#listeners) listener(healthy, reason);
  }
}
