import type { HubConfig } from './schema.ts';
import { changedSections, persistLiveSections, restartRequired, validateConfig, type ConfigIssue, type LiveConfig } from './live-config.ts';

export type ApplyOutcome =
  /** `persistedTo` null when nothing changed (nothing written). */
  | { kind: 'applied'; changed: string[]; persistedTo: string | null }
  | { kind: 'invalid'; issues: ConfigIssue[] }
  | { kind: 'restart_required'; issues: ConfigIssue[] }
  /** A veto or the queue engine refused: waiting or called tickets, devices at a removed counter. */
  | { kind: 'refused'; issues: ConfigIssue[] };

export interface ConfigApplierOptions {
  live: LiveConfig;
  /** Checks on the main thread's state before anything changes (devices at a removed counter …). */
  vetoes: Array<(next: HubConfig, running: HubConfig) => ConfigIssue[]>;
  /**
   * Swaps the queue engine's rules in the writer thread, where the check that no ticket
   * is stranded and the swap are one step; answers why not, or nothing.
   */
  swapQueueRules: (next: HubConfig) => Promise<ConfigIssue[]>;
}

/**
 * `PUT /api/config` (docs/live-config.md): validate, refuse what needs a restart, let
 * each part veto, swap the queue's rules (the only step that can still refuse, and
 * atomically), then tell every part that follows the config and keep it on disk. One
 * change at a time: a second waits for the first, so each is checked against what runs.
 */
export class ConfigApplier {
  readonly #options: ConfigApplierOptions;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: ConfigApplierOptions) {
    this.#options = options;
  }

  /** Whether `input` would be accepted as a whole config (no restart or strand checks). */
  validate(input: unknown): ConfigIssue[] {
    const result = validateConfig(input, this.#options.live.current);
    return result.ok ? [] : result.issues;
  }

  apply(input: unknown): Promise<ApplyOutcome> {
    const run = this.#tail.then(() => this.#apply(input));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #apply(input: unknown): Promise<ApplyOutcome> {
    const { live } = this.#options;
    const running = live.current;
    const result = validateConfig(input, running);
    if (!result.ok) return { kind: 'invalid', issues: result.issues };
    const next = result.config;
    const restart = restartRequired(next, running);
    if (restart.length > 0) return { kind: 'restart_required', issues: restart };
    const changed = changedSections(next, running);
    // Nothing to apply: no write, and no live-config.json that would then outrank the config file at every start.
    if (changed.length === 0) return { kind: 'applied', changed, persistedTo: null };
    const vetoed = this.#options.vetoes.flatMap((veto) => veto(next, running));
    if (vetoed.length > 0) return { kind: 'refused', issues: vetoed };
    const stranded = await this.#options.swapQueueRules(next);
    if (stranded.length > 0) return { kind: 'refused', issues: stranded };
    live.replace(next);
    return { kind: 'applied', changed, persistedTo: persistLiveSections(next) };
  }
}
