import type { Client, PublishPacket, Subscription } from 'aedes';
import { randomBytes } from 'node:crypto';
import { PairingClaimMessage, type PairingReplyMessage } from '../../protocol/messages/pairing.ts';
import { PAIRING_CLIENT_ID, PAIRING_USERNAME, pairingTopic } from '../../protocol/topics.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { DeviceStore } from '../devices/device-store.ts';
import type { PairingCodes } from '../devices/pairing-codes.ts';
import { parseJsonPayload } from '../ingest/parse-payload.ts';
import type { Rejections } from '../ingest/rejections.ts';
import type { Logger } from '../logger.ts';
import type { Clock } from '../../runtime/clock.ts';

export interface PairingGatewayOptions {
  centreId: string;
  codes: PairingCodes;
  devices: Pick<DeviceStore, 'add' | 'revoke'>;
  /** The counters of the running config (a code names one of them). */
  counters: () => ReadonlySet<string>;
  /** Makes a new device known to the broker before its credentials leave the hub. */
  refreshDevices: () => void;
  audit: Pick<AuditLog, 'record'>;
  publish: (topic: string, payload: string) => Promise<void>;
  rejections: Pick<Rejections, 'count'>;
  /** Schedules the end of a pairing client's time. */
  clock: Pick<Clock, 'setTimer'>;
  log: Logger;
}

/**
 * A pairing client needs one round trip (~200 ms, docs/performance.md); one that stays
 * longer holds a connection slot for nothing and is dropped.
 */
export const PAIRING_CLIENT_MAX_MS = 60_000;

/**
 * Pairing clients on the broker (docs/device-contract.md, "Pairing"): a bridge without
 * credentials connects as username `pair` with a fresh random client id, and may
 * publish only `pairing/{its id}/claim` and subscribe only `pairing/{its id}/reply`.
 * Nothing else of the centre's tree is reachable, so a pairing client can neither press
 * nor read another bridge's credentials. A right code creates a device at the code's
 * counter, exactly as `huduma-hub device add` does, and the reply hands over its password.
 */
export class PairingGateway {
  readonly #clients = new WeakSet<Client>();
  readonly #options: PairingGatewayOptions;

  constructor(options: PairingGatewayOptions) {
    this.#options = options;
  }

  /** True when this connection asks to pair (the caller then lets `authenticate` decide here). */
  static wantsPairing(username: string | undefined): boolean {
    return username === PAIRING_USERNAME;
  }

  /** A pairing client needs no password: what it may do is all in its own two topics. */
  authenticate(client: Client): boolean {
    if (!PAIRING_CLIENT_ID.test(client.id)) return false;
    this.#clients.add(client);
    this.#options.clock.setTimer(() => {
      if (!client.closed) client.close();
    }, PAIRING_CLIENT_MAX_MS);
    this.#options.log.info({ clientId: client.id }, 'pairing client connected');
    return true;
  }

  isPairingClient(client: Client | null): client is Client {
    return client !== null && this.#clients.has(client);
  }

  authorizeSubscribe(client: Client, subscription: Subscription): Subscription | null {
    if (subscription.topic === pairingTopic(this.#options.centreId, client.id, 'reply')) return subscription;
    this.#options.rejections.count('acl_denied', { deviceId: client.id, subscribe: subscription.topic, pairing: true });
    return null;
  }

  authorizePublish(client: Client, packet: PublishPacket, done: (error?: Error | null) => void): void {
    if (packet.topic !== pairingTopic(this.#options.centreId, client.id, 'claim')) {
      this.#options.rejections.count('acl_denied', { deviceId: client.id, publish: packet.topic, pairing: true });
      return done(new Error(`a pairing client may not publish to ${packet.topic}`));
    }
    packet.retain = false;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    done(null);
    void this.#claim(client.id, payload).catch((error: unknown) => this.#options.log.error({ err: error, clientId: client.id }, 'pairing claim failed unexpectedly'));
  }

  async #claim(clientId: string, payload: Buffer): Promise<void> {
    const { codes, log } = this.#options;
    const parsed = parseJsonPayload(PairingClaimMessage, payload);
    if (!parsed.ok) return this.#reply(clientId, { ok: false, reason: 'claim_invalid', message: `invalid claim: ${parsed.detail}`.slice(0, 300) });
    const claim = parsed.value;
    const outcome = codes.claim(claim.code);
    if (!outcome.ok) {
      log.warn({ clientId, reason: outcome.reason, firmware: claim.firmware }, 'pairing claim refused');
      return this.#reply(clientId, { ok: false, reason: outcome.reason, message: outcome.message });
    }
    const deviceId = newDeviceId(outcome.counterId);
    let password: string;
    try {
      password = this.#options.devices.add(deviceId, outcome.counterId, this.#options.counters()).password;
      this.#options.refreshDevices();
    } catch (error) {
      codes.release(claim.code);
      log.error({ err: error, clientId }, 'pairing: could not create the device');
      return this.#reply(clientId, { ok: false, reason: 'hub_unavailable', message: 'the hub could not create the device; try again' });
    }
    try {
      await this.#options.audit.record({ actor: outcome.openedBy }, 'pairing.claimed', deviceId, {
        counterId: outcome.counterId,
        firmware: claim.firmware.name,
        firmwareVersion: claim.firmware.version,
        bridge: claim.bridge,
      });
    } catch (error) {
      // Every staff action is on the trail or did not happen: undo the device.
      this.#options.devices.revoke(deviceId);
      this.#options.refreshDevices();
      codes.release(claim.code);
      log.error({ err: error, clientId, deviceId }, 'pairing: audit trail unavailable; device withdrawn');
      return this.#reply(clientId, { ok: false, reason: 'hub_unavailable', message: 'the hub could not record the pairing; try again' });
    }
    log.info({ deviceId, counterId: outcome.counterId, firmware: claim.firmware }, 'device paired');
    return this.#reply(clientId, { ok: true, centreId: this.#options.centreId, deviceId, counterId: outcome.counterId, password });
  }

  #reply(clientId: string, message: PairingReplyMessage): Promise<void> {
    return this.#options.publish(pairingTopic(this.#options.centreId, clientId, 'reply'), JSON.stringify(message));
  }
}

/** `{counter}-{6 hex}`: the technician sees where a device stands from its id alone. */
function newDeviceId(counterId: string): string {
  return `${counterId.slice(0, 25)}-${randomBytes(3).toString('hex')}`;
}
