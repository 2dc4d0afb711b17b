import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import type { Logger } from 'pino';
import { PairingReplyMessage, type PairingRefusal } from '../protocol/messages/pairing.ts';
import { PAIRING_USERNAME, pairingTopic } from '../protocol/topics.ts';
import type { BoardFirmware } from './board-firmware.ts';
import type { BridgeClock } from './clock.ts';
import { BridgeError } from './errors.ts';
import type { PairedIdentity } from './paired-identity.ts';
import { BRIDGE_FIRMWARE } from './version.ts';

export interface ClaimOptions {
  hub: string;
  ca?: string | null;
  centreId: string;
  code: string;
  firmware: BoardFirmware;
  clock: BridgeClock;
  log: Logger;
  /** From connecting to the hub's reply; the hub answers within milliseconds. */
  timeoutMs?: number;
}

/** A refusal the hub gave: the code will not work however often it is tried. */
export class PairingRefusedError extends BridgeError {
  readonly reason: PairingRefusal;

  constructor(reason: PairingRefusal, message: string) {
    super('pairing_refused', message);
    this.name = 'PairingRefusedError';
    this.reason = reason;
  }
}

const REASON_TEXT: Record<PairingRefusal, string> = {
  code_wrong: 'wrong pairing code',
  code_used: 'pairing code already used',
  code_expired: 'pairing code expired',
  pairing_closed: 'pairing closed after too many wrong codes',
  claim_invalid: 'pairing claim refused as invalid',
  hub_unavailable: 'the hub could not pair the device just now',
};

/**
 * Claims a device identity with a pairing code (docs/device-contract.md, "Pairing"):
 * connects as username `pair` with a fresh random client id, subscribes to its own
 * reply topic, publishes the claim, and waits for the one reply. Nothing is retried:
 * a refused code stays refused, and a second claim with the same code would be "used".
 */
export async function claimIdentity(options: ClaimOptions): Promise<PairedIdentity> {
  const { hub, ca, centreId, code, firmware, clock, log } = options;
  const clientId = `pair-${randomBytes(12).toString('hex')}`;
  const replyTopic = pairingTopic(centreId, clientId, 'reply');
  const client = mqtt.connect(hub, {
    ...(ca && { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined }),
    clientId,
    username: PAIRING_USERNAME,
    clean: true,
    connectTimeout: 5000,
    reconnectPeriod: 0,
  });
  const timeoutMs = options.timeoutMs ?? 15_000;
  try {
    const reply = await new Promise<PairingReplyMessage>((resolve, reject) => {
      const cancel = clock.setTimer(() => reject(new BridgeError('pairing_unreachable', `no pairing answer from the hub at ${new URL(hub).host} within ${timeoutMs} ms (is the hub running, and is --hub/--centre right?)`)), timeoutMs);
      const settle = (fn: () => void) => {
        cancel();
        fn();
      };
      client.on('error', (error) => settle(() => reject(new BridgeError('pairing_unreachable', `cannot reach the hub at ${new URL(hub).host} to pair: ${error.message}`))));
      client.on('message', (topic, payload) => {
        if (topic !== replyTopic) return;
        const parsed = PairingReplyMessage.safeParse(safeJson(payload.toString('utf8')));
        settle(() => (parsed.success ? resolve(parsed.data) : reject(new BridgeError('pairing_unreachable', 'the hub sent a pairing reply this bridge does not understand (versions differ?)'))));
      });
      client.once('connect', () => {
        client.subscribe(replyTopic, { qos: 1 }, (error, granted) => {
          if (error || granted?.[0]?.qos === 128) return settle(() => reject(new BridgeError('pairing_unreachable', `the hub refused the pairing reply topic (centre id "${centreId}" right?)`)));
          const claim = JSON.stringify({ code, firmware, bridge: BRIDGE_FIRMWARE });
          client.publish(pairingTopic(centreId, clientId, 'claim'), claim, { qos: 1 });
          log.info({ firmware }, 'pairing claim sent');
        });
      });
    });
    if (!reply.ok && reply.reason === 'hub_unavailable') throw new BridgeError('pairing_unreachable', `${REASON_TEXT[reply.reason]}: ${reply.message}`);
    if (!reply.ok) throw new PairingRefusedError(reply.reason, `${REASON_TEXT[reply.reason]}: ${reply.message}`);
    if (reply.centreId !== centreId) throw new BridgeError('pairing_unreachable', `the hub answered for centre ${reply.centreId}, not ${centreId}`);
    return { centreId, deviceId: reply.deviceId, counterId: reply.counterId, password: reply.password, pairedAt: new Date().toISOString() };
  } finally {
    await client.endAsync(true).catch(() => undefined);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
