import type { Logger } from 'pino';

/**
 * What a program started, to stop newest first: each part registers its stop right
 * after it started, so a start that fails half-way stops exactly what it started. A
 * stop that throws is logged and the others still run. Safe to run more than once.
 */
export class TeardownStack {
  #steps: Array<{ what: string; run: () => void | Promise<void> }> = [];

  add(what: string, run: () => void | Promise<void>): void {
    this.#steps.push({ what, run });
  }

  async run(log: Logger): Promise<void> {
    const steps = this.#steps.reverse();
    this.#steps = [];
    for (const step of steps) {
      try {
        await step.run();
      } catch (error) {
        log.error({ err: error, part: step.what }, 'error while stopping');
      }
    }
  }
}
