import type { AuthenticateError, Client, PublishPacket, Subscription } from 'aedes';
import { DeviceCommandResultMessage } from '../../protocol/messages/command.ts';
import { DeviceStatusMessage } from '../../protocol/messages/status.ts';
import { TelemetryMessage } from '../../protocol/messages/telemetry.ts';
import { deviceSubscriptionAllowList, isUplinkKind, parseTopic } from '../../protocol/topics.ts';
import type { z } from 'zod';
import type { DeviceRegistry } from '../devices/device-registry.ts';
import { secretMatches } from '../devices/credentials.ts';
import type { PresenceTracker } from '../devices/presence.ts';
import type { EventBus } from '../event-bus.ts';
import { parseJsonPayload } from '../ingest/parse-payload.ts';
import type { PressIngest } from '../ingest/press-ingest.ts';
import type { Rejections } from '../ingest/rejections.ts';
import type { Logger } from '../logger.ts';
import type { BrokerHooks } from './mqtt-server.ts';
import { PairingGateway } from './pairing-gateway.ts';

/** MQTT 3.1.1 CONNACK return codes (§3.2.2.3). */
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;

/**
 * The broker's gatekeeper: who may connect (per-device credentials, client id =
 * username), what each device may publish and subscribe (its own topics only), and
 * where each accepted message goes. Every uplink payload is parsed by its zod schema
 * here, at the boundary (invariant 4).
 *
 * MQTT 3.1.1 has no negative PUBACK, so an error from `authorizePublish` closes the
 * connection and the client resends the same packet after reconnecting, forever.
 * Hence: a bad payload is acknowledged and quarantined; only an ACL violation (or a
 * failed commit, which the client should retry) is an error.
 */
export class DeviceGateway {
  readonly #centreId: string;
  readonly #registry: DeviceRegistry;
  readonly #presence: PresenceTracker;
  readonly #ingest: PressIngest;
  readonly #rejections: Rejections;
  readonly #bus: EventBus;
  readonly #log: Logger;
  readonly #pairing: PairingGateway | null;

  constructor(options: {
    centreId: string;
    registry: DeviceRegistry;
    presence: PresenceTracker;
    ingest: PressIngest;
    rejections: Rejections;
    bus: EventBus;
    log: Logger;
    /** Bridges without credentials claiming some with a code; absent: nobody may pair. */
    pairing?: PairingGateway;
  }) {
    this.#centreId = options.centreId;
    this.#registry = options.registry;
    this.#presence = options.presence;
    this.#ingest = options.ingest;
    this.#rejections = options.rejections;
    this.#bus = options.bus;
    this.#log = options.log;
    this.#pairing = options.pairing ?? null;
  }

  hooks(): BrokerHooks {
    return {
      authenticate: (client, username, password, done) => {
        try {
          this.#authenticate(client, username, password, done);
        } catch (error) {
          this.#log.error({ err: error, clientId: client.id }, 'authentication failed unexpectedly; refusing the connection');
          done(Object.assign(new Error('server unavailable'), { returnCode: 3 }) as AuthenticateError, false);
        }
      },
      authorizePublish: (client, packet, done) => this.#guardedPublish(client, packet, done),
      authorizeSubscribe: (client, subscription, done) => {
        try {
          this.#authorizeSubscribe(client, subscription, done);
        } catch (error) {
          this.#log.error({ err: error, clientId: client.id }, 'subscription check failed unexpectedly; refusing it');
          done(null, null);
        }
      },
    };
  }

  /**
   * Nothing a device sends may throw into aedes: an exception there ends the process
   * (and the unacknowledged message comes back after every restart). Whatever slips
   * through is acknowledged and quarantined, exactly once.
   */
  #guardedPublish(client: Client | null, packet: PublishPacket, done: (error?: Error | null) => void): void {
    let answered = false;
    const answer = (error?: Error | null) => {
      if (answered) return;
      answered = true;
      done(error);
    };
    try {
      this.#authorizePublish(client, packet, answer);
    } catch (error) {
      this.#log.error({ err: error, clientId: client?.id, topic: packet.topic }, 'device message could not be handled; quarantining it');
      if (answered || !client) return answer(new Error('unhandled publish'));
      const payload = payloadOf(packet);
      this.#rejections.quarantine({ deviceId: client.id, topic: packet.topic, payload, reason: 'ingest_error', detail: String((error as Error).message) }, answer);
    }
  }

  #authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void {
    const refuse = (reason: 'unknown_device' | 'bad_password' | 'client_id_mismatch', returnCode: number) => {
      this.#rejections.count(reason, { deviceId: username, clientId: client.id });
      const error = new Error(`connection refused: ${reason}`) as AuthenticateError;
      error.returnCode = returnCode as AuthenticateError['returnCode'];
      done(error, false);
    };
    if (this.#pairing && PairingGateway.wantsPairing(username)) {
      return this.#pairing.authenticate(client) ? done(null, true) : refuse('client_id_mismatch', IDENTIFIER_REJECTED);
    }
    if (!username || username !== client.id) return refuse('client_id_mismatch', IDENTIFIER_REJECTED);
    const device = this.#registry.get(username);
    if (!device) return refuse('unknown_device', BAD_USERNAME_OR_PASSWORD);
    if (!password || !secretMatches(password, device.secretDigest)) return refuse('bad_password', BAD_USERNAME_OR_PASSWORD);
    this.#presence.claim(device.deviceId, device.counterId, client);
    this.#log.debug({ deviceId: device.deviceId }, 'device authenticated');
    done(null, true);
  }

  #authorizeSubscribe(client: Client, subscription: Subscription, done: (error: Error | null, subscription?: Subscription | null) => void): void {
    if (this.#pairing?.isPairingClient(client)) return done(null, this.#pairing.authorizeSubscribe(client, subscription));
    if (deviceSubscriptionAllowList(this.#centreId, client.id).includes(subscription.topic)) return done(null, subscription);
    this.#rejections.count('acl_denied', { deviceId: client.id, subscribe: subscription.topic });
    // A null subscription is refused in the SUBACK (0x80) without dropping the connection.
    done(null, null);
  }

  #authorizePublish(client: Client | null, packet: PublishPacket, done: (error?: Error | null) => void): void {
    if (!client) return done(new Error('publishes need a client'));
    if (this.#pairing?.isPairingClient(client)) return this.#pairing.authorizePublish(client, packet, done);
    const deviceId = client.id;
    const viaWill = (client as Client & { will?: unknown }).will === packet;
    if (viaWill && !this.#presence.isCurrent(deviceId, client)) {
      // The will of a connection that a newer one took over: not this device's news.
      return done(new Error('will of a superseded connection'));
    }
    // [MQTT-4.7.3-2] a topic name must not contain U+0000; [MQTT-1.5.3-2] the receiver
    // may close the connection, and it does: no client sends one by mistake.
    if (packet.topic.includes('\u0000')) {
      this.#rejections.count('bad_topic', { deviceId, publish: packet.topic, detail: 'topic contains U+0000' });
      return done(new Error('topic contains U+0000'));
    }
    const topic = parseTopic(packet.topic);
    const ownDeviceTopic =
      topic !== null && (topic.scope === 'device' || topic.scope === 'device-other') && topic.centreId === this.#centreId && topic.deviceId === deviceId;
    if (!ownDeviceTopic || (topic.scope === 'device' && !isUplinkKind(topic.kind))) {
      this.#rejections.count('acl_denied', { deviceId, publish: packet.topic });
      return done(new Error(`not authorized to publish to ${packet.topic}`));
    }
    const payload = payloadOf(packet);
    // Only the status topic is meant to be retained (wire contract v1).
    if (topic.scope !== 'device' || topic.kind !== 'status') packet.retain = false;
    if (topic.scope === 'device-other') {
      return this.#rejections.quarantine({ deviceId, topic: packet.topic, payload, reason: 'unknown_topic', detail: 'not a topic of wire contract v1' }, done);
    }
    switch (topic.kind) {
      case 'press': {
        const device = this.#registry.get(deviceId);
        // Revoked a moment ago; the hub is about to drop this connection anyway.
        if (!device) return done(new Error('device no longer provisioned'));
        return this.#ingest.accept({ deviceId, counterId: device.counterId, topic: packet.topic, payload }, (error) => done(error));
      }
      case 'status': {
        const status = this.#parse(DeviceStatusMessage, deviceId, packet.topic, payload, done);
        if (!status) {
          packet.retain = false;
          return;
        }
        this.#presence.status(deviceId, client, status, viaWill);
        return done(null);
      }
      case 'telemetry': {
        const telemetry = this.#parse(TelemetryMessage, deviceId, packet.topic, payload, done);
        if (!telemetry) return;
        // The text as received (validated, bounded in depth) is what is stored.
        this.#presence.telemetry(deviceId, telemetry, payload.toString('utf8'));
        return done(null);
      }
      case 'cmd/result': {
        const result = this.#parse(DeviceCommandResultMessage, deviceId, packet.topic, payload, done);
        if (!result) return;
        this.#bus.emit('device.commandResult', { deviceId, result });
        return done(null);
      }
      default:
        return done(new Error(`unhandled topic kind ${topic.kind}`));
    }
  }

  /** Parses a JSON payload with `schema`; on failure quarantines it, acks, and returns null. */
  #parse<T extends z.ZodType>(schema: T, deviceId: string, topic: string, payload: Buffer, done: (error?: Error | null) => void): z.infer<T> | null {
    const parsed = parseJsonPayload(schema, payload);
    if (parsed.ok) return parsed.value;
    this.#rejections.quarantine({ deviceId, topic, payload, reason: 'malformed', detail: parsed.detail }, done);
    return null;
  }
}

function payloadOf(packet: PublishPacket): Buffer {
  return Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
}
