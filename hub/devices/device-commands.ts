import { randomBytes } from 'node:crypto';
import type { CommandOp, DeviceCommandMessage, DeviceCommandResultMessage } from '../../protocol/messages/command.ts';
import { deviceTopic } from '../../protocol/topics.ts';
import type { Clock } from '../../runtime/clock.ts';
import type { EventBus } from '../event-bus.ts';

export type CommandOutcome =
  | { kind: 'answered'; result: DeviceCommandResultMessage }
  | { kind: 'not_connected' }
  | { kind: 'timed_out' };

/**
 * Sends a `cmd` to one device and waits for its `cmd/result` (wire contract v1), for
 * technicians finding a unit (`identify`) or checking its buttons (`selftest`).
 * Commands are QoS 1 to a clean session: a device that is not connected now would
 * never see it, so that is answered at once instead of waiting out the timeout.
 */
export class DeviceCommands {
  readonly #centreId: string;
  readonly #publish: (topic: string, payload: string) => Promise<void>;
  readonly #isConnected: (deviceId: string) => boolean;
  readonly #bus: EventBus;
  readonly #clock: Clock;

  constructor(options: { centreId: string; publish: (topic: string, payload: string) => Promise<void>; isConnected: (deviceId: string) => boolean; bus: EventBus; clock: Clock }) {
    this.#centreId = options.centreId;
    this.#publish = options.publish;
    this.#isConnected = options.isConnected;
    this.#bus = options.bus;
    this.#clock = options.clock;
  }

  async send(deviceId: string, op: CommandOp, timeoutMs = 10_000): Promise<CommandOutcome> {
    if (!this.#isConnected(deviceId)) return { kind: 'not_connected' };
    const command: DeviceCommandMessage = { id: randomBytes(9).toString('base64url'), op };
    return new Promise((resolve) => {
      const onResult = ({ deviceId: from, result }: { deviceId: string; result: DeviceCommandResultMessage }) => {
        if (from !== deviceId || result.id !== command.id) return;
        finish({ kind: 'answered', result });
      };
      const cancelTimer = this.#clock.setTimer(() => finish({ kind: 'timed_out' }), timeoutMs);
      const finish = (outcome: CommandOutcome) => {
        this.#bus.off('device.commandResult', onResult);
        cancelTimer();
        resolve(outcome);
      };
      this.#bus.on('device.commandResult', onResult);
      this.#publish(deviceTopic(this.#centreId, deviceId, 'cmd'), JSON.stringify(command)).catch(() => finish({ kind: 'not_connected' }));
    });
  }
}
