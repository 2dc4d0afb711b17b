import type { Logger } from 'pino';
import type { DeviceCommandMessage, DeviceCommandResultMessage } from '../protocol/messages/command.ts';
import type { EifdBoard } from './eifd-board.ts';
import type { HubLink } from './hub-link.ts';
import { identify, selftest } from './signal-patterns.ts';
import type { Signaller } from './signaller.ts';

/**
 * Answers the hub's `cmd` messages on `cmd/result` (wire contract v1). `identify`
 * blinks and beeps so a technician can find the unit; `selftest` lights each LED in
 * turn and reports every button's level, so a button that reads pressed at rest
 * (stuck, or a broken pull-up) shows up without opening the case.
 */
export class CommandHandler {
  readonly #board: EifdBoard;
  readonly #link: HubLink;
  readonly #signaller: Signaller;
  readonly #log: Logger;

  constructor(options: { board: EifdBoard; link: HubLink; signaller: Signaller; log: Logger }) {
    this.#board = options.board;
    this.#link = options.link;
    this.#signaller = options.signaller;
    this.#log = options.log;
  }

  handle(command: DeviceCommandMessage | { invalid: string; id: string | null }): void {
    const result = this.#run(command);
    if (result) void this.#link.publishCommandResult(result).catch((error: Error) => this.#log.warn({ err: error.message, id: result.id }, 'could not answer a command'));
  }

  #run(command: DeviceCommandMessage | { invalid: string; id: string | null }): DeviceCommandResultMessage | null {
    if ('invalid' in command) {
      this.#log.warn({ problem: command.invalid }, 'refused an invalid command from the hub');
      // Without a usable id there is nothing to answer to.
      return command.id && /^[A-Za-z0-9_-]{1,64}$/.test(command.id) ? { id: command.id, ok: false, error: { code: 'invalid_command', message: command.invalid.slice(0, 500) } } : null;
    }
    this.#log.info({ id: command.id, op: command.op }, 'command from the hub');
    if (!this.#board.armed) return { id: command.id, ok: false, error: { code: 'board_unavailable', message: 'the board is not connected' } };
    switch (command.op) {
      case 'identify':
        this.#signaller.play(identify());
        return { id: command.id, ok: true };
      case 'selftest': {
        this.#signaller.play(selftest(this.#board.ratings));
        const buttons = this.#board.buttonLevels().map((b) => ({ pin: b.pin, rating: b.rating, state: b.down === null ? 'unknown' : b.down ? 'pressed' : 'released' }));
        const stuck = buttons.filter((b) => b.state === 'pressed').map((b) => b.rating);
        return { id: command.id, ok: stuck.length === 0, data: { buttons, ledsLit: [...this.#board.ratings], buzzer: true }, ...(stuck.length ? { error: { code: 'button_stuck', message: `button(s) for rating ${stuck.join(', ')} read pressed at rest` } } : {}) };
      }
    }
  }
}
