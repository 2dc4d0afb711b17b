import { localDay } from '../local-day.ts';
import type { SecretariatStore } from '../store/store.ts';
import { centreView, type CentreView } from './centre-view.ts';
import { rankCentres } from './ranking.ts';

/**
 * Reads centres from the store and derives the NOC's view at the injected clock:
 * shared by the API, the metrics and /health so they always agree.
 */
export class CentreDirectory {
  readonly #store: Pick<SecretariatStore, 'listCentres' | 'getCentre'>;
  readonly #clock: { now(): number };
  readonly #timeZone: string;
  readonly #silenceAfterS: number;

  constructor(options: { store: Pick<SecretariatStore, 'listCentres' | 'getCentre'>; clock: { now(): number }; timeZone: string; silenceAfterS: number }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#timeZone = options.timeZone;
    this.#silenceAfterS = options.silenceAfterS;
  }

  /** The zone "today" and the NOC page's times are in (Africa/Nairobi unless configured). */
  get timeZone(): string {
    return this.#timeZone;
  }

  /** Every centre, in NOC order (see ranking.ts). */
  async list(): Promise<CentreView[]> {
    const settings = this.#settings();
    const summaries = await this.#store.listCentres({ today: settings.today });
    return rankCentres(summaries.map((summary) => centreView(summary, settings)));
  }

  async get(centreId: string): Promise<CentreView | undefined> {
    const settings = this.#settings();
    const summary = await this.#store.getCentre(centreId, { today: settings.today });
    return summary ? centreView(summary, settings) : undefined;
  }

  #settings() {
    const nowMs = this.#clock.now();
    return { nowMs, today: localDay(nowMs, this.#timeZone), silenceAfterS: this.#silenceAfterS };
  }
}
