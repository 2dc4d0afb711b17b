import { AlphaSign } from '../../hardware/alpha/alpha-sign.ts';
import { DmdDisplay } from '../../hardware/vfd/dmd-display.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { HubConfig } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { HubPart } from '../part.ts';
import type { CallSigns } from '../queue/ports.ts';
import type { StoreWriter } from '../store/writer/store-writer.ts';
import { AlphaHallSign } from './alpha-hall-sign.ts';
import { DmdCounterSign } from './dmd-counter-sign.ts';
import { SerialCallSigns, type CallSign, type SignHealth } from './serial-call-signs.ts';

/**
 * The hall boards (Alpha, RS-485, several signs per line) and counter displays (DM-D)
 * of the config's `displays` section, as the queue's CallSigns port. None configured:
 * nothing runs (the web hall board still shows every call). It starts the drivers it
 * makes and stops each of them.
 */
export class DisplaysPart implements HubPart {
  readonly #signs: SerialCallSigns;
  readonly #alphaLines: AlphaSign[] = [];
  readonly #displays: DmdDisplay[] = [];

  constructor(options: { config: HubConfig; clock: Clock; writer: StoreWriter; log: Logger }) {
    const { config, clock, log } = options;
    const { hallBoards, counterDisplays, retryMs } = config.displays;
    const signs: CallSign[] = [];
    const lines = new Map<string, AlphaSign>();
    for (const board of hallBoards) {
      let line = lines.get(board.path);
      if (!line) {
        // One driver per RS-485 line: ACK/NAK when any sign on it answers (broadcasts never ask).
        line = new AlphaSign({ path: board.path, baudRate: board.baudRate, ackNak: hallBoards.some((b) => b.path === board.path && b.ack), retryMaxMs: retryMs, maxReconnectMs: retryMs, clock });
        lines.set(board.path, line);
        this.#alphaLines.push(line);
      }
      signs.push(new AlphaHallSign({ id: board.id, driver: line, address: board.address }));
    }
    for (const display of counterDisplays) {
      const driver = new DmdDisplay({ path: display.path, baudRate: display.baudRate, maxReconnectMs: retryMs, clock });
      this.#displays.push(driver);
      signs.push(new DmdCounterSign({ counterId: display.counterId, driver }));
    }
    this.#signs = new SerialCallSigns({
      signs,
      counterLabels: new Map(config.counters.map((c) => [c.id, c.label])),
      log,
      recordStatus: async (data) => void (await options.writer.write({ kind: 'event', event: { type: 'board.status', data }, atMs: clock.now() })),
    });
  }

  /** What the queue is handed: its port to the signs. */
  get callSigns(): CallSigns {
    return this.#signs;
  }

  start(): void {
    for (const line of this.#alphaLines) line.start();
    for (const display of this.#displays) display.start();
    this.#signs.start();
  }

  async stop(): Promise<void> {
    await this.#signs.stop();
    await Promise.all([...this.#alphaLines.map((line) => line.stop()), ...this.#displays.map((display) => display.stop())]);
  }

  /** A live config change: counter labels on the signs follow (lines and signs themselves need a restart). */
  followCounters(counters: HubConfig['counters']): void {
    this.#signs.relabel(new Map(counters.map((c) => [c.id, c.label])));
  }

  /** `POST /api/boards/{id}/test`: null for an unknown sign. */
  testPattern(id: string): Promise<SignHealth | null> {
    return this.#signs.testPattern(id);
  }

  health(): SignHealth[] {
    return this.#signs.health();
  }
}
