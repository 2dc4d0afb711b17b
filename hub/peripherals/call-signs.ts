import type { BoardStatusData } from '../../protocol/events/peripherals.ts';
import type { EventBus, HubEvents } from '../event-bus.ts';
import type { Logger } from '../logger.ts';

/**
 * A sign that shows calls: an Alpha hall board (one line, "A042 -> 5") or the 2x20
 * display above a counter (two lines). The serial drivers sit behind it
 * (hub/peripherals/displays-part.ts makes them); health is whether the sign answers.
 */
export interface CallSign {
  readonly id: string;
  readonly kind: 'hall' | 'counter';
  /** For a counter display: the counter it is above. */
  readonly counterId: string | null;
  show(line1: string, line2: string): Promise<void>;
  healthy(): boolean;
  onHealth(listener: (healthy: boolean, reason: string | null) => void): () => void;
  close(): Promise<void>;
}

export interface SignHealth {
  id: string;
  kind: 'hall' | 'counter';
  healthy: boolean;
  reason: string | null;
}

/**
 * Puts every call on the hall boards and on the display of the calling counter, and
 * clears a counter's display when its ticket leaves. A sign that stops answering is
 * reported (log, `board.status` event, /health) and keeps being retried by its driver;
 * a failed show is logged, never fails the call (the web hall board shows it too).
 */
export class CallSigns {
  readonly #signs: CallSign[];
  readonly #labels: Map<string, string>;
  readonly #bus: EventBus;
  readonly #log: Logger;
  readonly #recordStatus: (data: BoardStatusData) => Promise<void>;
  readonly #reasons = new Map<string, string | null>();
  readonly #unsubscribe: Array<() => void> = [];

  constructor(options: { signs: CallSign[]; counterLabels: Map<string, string>; bus: EventBus; log: Logger; recordStatus: (data: BoardStatusData) => Promise<void> }) {
    this.#signs = options.signs;
    this.#labels = options.counterLabels;
    this.#bus = options.bus;
    this.#log = options.log;
    this.#recordStatus = options.recordStatus;
  }

  start(): void {
    const onChange = (change: HubEvents['queue.changed'][0]) => void this.#onQueueChange(change);
    this.#bus.on('queue.changed', onChange);
    this.#unsubscribe.push(() => this.#bus.off('queue.changed', onChange));
    for (const sign of this.#signs) {
      this.#unsubscribe.push(
        sign.onHealth((healthy, reason) => {
          this.#reasons.set(sign.id, reason);
          (healthy ? this.#log.info : this.#log.error).call(this.#log, { sign: sign.id, kind: sign.kind, reason }, healthy ? 'sign answering again' : 'sign not answering; retrying');
          void this.#recordStatus({ boardId: sign.id, kind: sign.kind, healthy, reason }).catch((error: Error) => this.#log.error({ err: error }, 'could not record the sign status'));
        }),
      );
      if (sign.kind === 'counter' && sign.counterId) void this.#show(sign, ...this.#idle(sign.counterId));
    }
  }

  async stop(): Promise<void> {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    await Promise.all(this.#signs.map((sign) => sign.close()));
  }

  health(): SignHealth[] {
    return this.#signs.map((sign) => ({ id: sign.id, kind: sign.kind, healthy: sign.healthy(), reason: sign.healthy() ? null : (this.#reasons.get(sign.id) ?? 'not answering') }));
  }

  async #onQueueChange({ kind, ticket, counterId }: HubEvents['queue.changed'][0]): Promise<void> {
    if (!counterId) return;
    const label = this.#labels.get(counterId) ?? counterId;
    if ((kind === 'call_next' || kind === 'recall') && ticket) {
      await Promise.all(
        this.#signs.map((sign) => {
          if (sign.kind === 'hall') return this.#show(sign, `${ticket.number} -> ${label}`, '');
          if (sign.counterId === counterId) return this.#show(sign, `Ticket ${ticket.number}`, `-> Counter ${label}`);
          return undefined;
        }),
      );
    } else if (kind === 'call_next' || kind === 'finish' || kind === 'no_show' || kind === 'transfer' || kind === 'pause_counter' || kind === 'close_counter') {
      await Promise.all(this.#signs.filter((sign) => sign.counterId === counterId).map((sign) => this.#show(sign, ...this.#idle(counterId, kind))));
    }
  }

  #idle(counterId: string, kind?: string): [string, string] {
    const label = this.#labels.get(counterId) ?? counterId;
    if (kind === 'pause_counter') return [`Counter ${label}`, 'Paused / Imesimama'];
    if (kind === 'close_counter') return [`Counter ${label}`, 'Closed / Imefungwa'];
    return [`Counter ${label}`, 'Karibu / Welcome'];
  }

  async #show(sign: CallSign, line1: string, line2: string): Promise<void> {
    try {
      await sign.show(line1, line2);
    } catch (error) {
      this.#log.warn({ sign: sign.id, err: error }, 'could not update the sign; its driver retries');
    }
  }
}
