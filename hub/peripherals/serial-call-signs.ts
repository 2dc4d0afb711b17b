import type { BoardStatusData } from '../../protocol/events/peripherals.ts';
import type { Logger } from '../logger.ts';
import type { HubPart } from '../part.ts';
import type { CallSigns, CounterIdleReason } from '../queue/ports.ts';
import { callLines, idleLines } from './counter-display-lines.ts';

/**
 * A sign that shows calls: an Alpha hall board (one line, "A042 -> 5") or the 2x20
 * display above a counter (two lines). The serial drivers sit behind it
 * (alpha-hall-sign.ts, dmd-counter-sign.ts); health is whether the sign answers.
 */
export interface CallSign {
  readonly id: string;
  readonly kind: 'hall' | 'counter';
  /** For a counter display: the counter it is above. */
  readonly counterId: string | null;
  show(line1: string, line2: string): Promise<void>;
  healthy(): boolean;
  onHealth(listener: (healthy: boolean, reason: string | null) => void): () => void;
  /** Drops its listeners; the driver behind it is stopped by whoever started it (displays-part.ts). */
  close(): Promise<void>;
}

export interface SignHealth {
  id: string;
  kind: 'hall' | 'counter';
  healthy: boolean;
  reason: string | null;
}

/** What a test pattern shows: 20 characters a line, the width of a counter display. */
export const TEST_LINES = ['TEST 0123456789 ABCD', 'EFGHIJKLMNOPQRSTUVWX'] as const;

/**
 * The queue's CallSigns port over the serial signs: every call on the hall boards and on
 * the display of the calling counter, a counter's display back to idle when its ticket
 * leaves. A sign that stops answering is reported (log, `board.status` event, /health)
 * and keeps being retried by its driver; a failed show is logged, never fails the call.
 */
export class SerialCallSigns implements CallSigns, HubPart {
  readonly #signs: CallSign[];
  #labels: Map<string, string>;
  readonly #log: Logger;
  readonly #recordStatus: (data: BoardStatusData) => Promise<void>;
  readonly #reasons = new Map<string, string | null>();
  readonly #unsubscribe: Array<() => void> = [];

  constructor(options: { signs: CallSign[]; counterLabels: Map<string, string>; log: Logger; recordStatus: (data: BoardStatusData) => Promise<void> }) {
    this.#signs = options.signs;
    this.#labels = options.counterLabels;
    this.#log = options.log;
    this.#recordStatus = options.recordStatus;
  }

  /** Follows each sign's health and greets on every counter display. */
  start(): void {
    for (const sign of this.#signs) {
      this.#unsubscribe.push(
        sign.onHealth((healthy, reason) => {
          this.#reasons.set(sign.id, reason);
          (healthy ? this.#log.info : this.#log.error).call(this.#log, { sign: sign.id, kind: sign.kind, reason }, healthy ? 'sign answering again' : 'sign not answering; retrying');
          void this.#recordStatus({ boardId: sign.id, kind: sign.kind, healthy, reason }).catch((error: Error) => this.#log.error({ err: error }, 'could not record the sign status'));
        }),
      );
      if (sign.kind === 'counter' && sign.counterId) void this.#show(sign, ...this.#idle(sign.counterId, 'free'));
    }
  }

  async stop(): Promise<void> {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    await Promise.all(this.#signs.map((sign) => sign.close()));
  }

  showCall({ number, counterId }: { number: string; counterId: string }): void {
    const label = this.#label(counterId);
    for (const sign of this.#signs) {
      if (sign.kind === 'hall') void this.#show(sign, `${number} -> ${label}`, '');
      else if (sign.counterId === counterId) void this.#show(sign, ...callLines(number, label));
    }
  }

  showCounterIdle(counterId: string, reason: CounterIdleReason): void {
    for (const sign of this.#signs) if (sign.counterId === counterId) void this.#show(sign, ...this.#idle(counterId, reason));
  }

  /** A live config change (docs/live-config.md): calls show the counters' new labels. */
  relabel(counterLabels: Map<string, string>): void {
    this.#labels = counterLabels;
  }

  /**
   * A technician's test pattern on one sign (`POST /api/boards/{id}/test`): every digit
   * and letter, so a dead segment or column shows. Null when no sign has that id;
   * rejects when the sign does not take it. The next call overwrites it.
   */
  async testPattern(id: string): Promise<SignHealth | null> {
    const sign = this.#signs.find((s) => s.id === id);
    if (!sign) return null;
    await sign.show(TEST_LINES[0], TEST_LINES[1]);
    return this.health().find((h) => h.id === id)!;
  }

  health(): SignHealth[] {
    return this.#signs.map((sign) => ({ id: sign.id, kind: sign.kind, healthy: sign.healthy(), reason: sign.healthy() ? null : (this.#reasons.get(sign.id) ?? 'not answering') }));
  }

  #label(counterId: string): string {
    return this.#labels.get(counterId) ?? counterId;
  }

  #idle(counterId: string, reason: CounterIdleReason): [string, string] {
    return idleLines(this.#label(counterId), reason);
  }

  async #show(sign: CallSign, line1: string, line2: string): Promise<void> {
    try {
      await sign.show(line1, line2);
    } catch (error) {
      // The drivers' coded errors are expected conditions (a sign not plugged in yet,
      // newer text replacing this one): a line without a stack. Anything else keeps it.
      const code = (error as { code?: unknown }).code;
      if (code === 'superseded') return;
      if (typeof code === 'string') this.#log.warn({ sign: sign.id, code, reason: (error as Error).message }, 'could not update the sign; its driver retries');
      else this.#log.warn({ sign: sign.id, err: error }, 'could not update the sign; its driver retries');
    }
  }
}
