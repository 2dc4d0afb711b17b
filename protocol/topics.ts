import { isId } from './ids.ts';

/**
 * Every MQTT topic of wire contract v1 is built and parsed here, and nowhere else.
 * Base: `huduma/v1/{centreId}`. Ids in topics, display names in payloads.
 */
export const TOPIC_ROOT = 'huduma/v1';

/** What a device publishes (device → hub). */
export const DEVICE_UPLINK_KINDS = ['press', 'status', 'telemetry', 'cmd/result'] as const;
/** What the hub publishes to one device (hub → device). */
export const DEVICE_DOWNLINK_KINDS = ['config', 'cmd'] as const;

export type DeviceUplinkKind = (typeof DEVICE_UPLINK_KINDS)[number];
export type DeviceDownlinkKind = (typeof DEVICE_DOWNLINK_KINDS)[number];
export type DeviceTopicKind = DeviceUplinkKind | DeviceDownlinkKind;

export function centreBase(centreId: string): string {
  assertId('centreId', centreId);
  return `${TOPIC_ROOT}/${centreId}`;
}

export function deviceTopic(centreId: string, deviceId: string, kind: DeviceTopicKind): string {
  assertId('deviceId', deviceId);
  return `${centreBase(centreId)}/devices/${deviceId}/${kind}`;
}

export function hubStatusTopic(centreId: string): string {
  return `${centreBase(centreId)}/hub/status`;
}

/** The MQTT username of a bridge that has no credentials yet and comes to claim some with a code. */
export const PAIRING_USERNAME = 'pair';
/** A pairing client's id: `pair-` and a random nonce, fresh per connection; its topics are named after it. */
export const PAIRING_CLIENT_ID = /^pair-[a-z0-9]{16,27}$/;
export const PAIRING_KINDS = ['claim', 'reply'] as const;
export type PairingKind = (typeof PAIRING_KINDS)[number];

/** `pairing/{clientId}/claim` (bridge → hub) and `pairing/{clientId}/reply` (hub → bridge). */
export function pairingTopic(centreId: string, clientId: string, kind: PairingKind): string {
  if (!PAIRING_CLIENT_ID.test(clientId)) throw new TypeError(`pairing client id must match ${PAIRING_CLIENT_ID.source}: ${JSON.stringify(clientId)}`);
  return `${centreBase(centreId)}/pairing/${clientId}/${kind}`;
}

export type ParsedTopic =
  | { scope: 'device'; centreId: string; deviceId: string; kind: DeviceTopicKind }
  | { scope: 'pairing'; centreId: string; clientId: string; kind: PairingKind }
  | { scope: 'device-other'; centreId: string; deviceId: string; rest: string }
  | { scope: 'hub-status'; centreId: string };

/**
 * Parses a concrete topic (no wildcards). Returns null for anything outside the v1
 * tree or with an invalid id, never throws: topics come from untrusted devices.
 * `device-other` is a topic under a device's own prefix that the contract does not
 * define; callers decide what to do with it.
 */
export function parseTopic(topic: string): ParsedTopic | null {
  if (!topic.startsWith(`${TOPIC_ROOT}/`)) return null;
  const levels = topic.slice(TOPIC_ROOT.length + 1).split('/');
  const [centreId, section, ...rest] = levels;
  if (centreId === undefined || !isId(centreId)) return null;
  if (section === 'hub' && rest.length === 1 && rest[0] === 'status') {
    return { scope: 'hub-status', centreId };
  }
  if (section === 'pairing') {
    const [clientId, kind, ...more] = rest;
    if (clientId === undefined || !PAIRING_CLIENT_ID.test(clientId) || more.length > 0) return null;
    if (kind !== 'claim' && kind !== 'reply') return null;
    return { scope: 'pairing', centreId, clientId, kind };
  }
  if (section !== 'devices') return null;
  const [deviceId, ...kindLevels] = rest;
  if (deviceId === undefined || !isId(deviceId) || kindLevels.length === 0) return null;
  const kind = kindLevels.join('/');
  if (isDeviceTopicKind(kind)) return { scope: 'device', centreId, deviceId, kind };
  return { scope: 'device-other', centreId, deviceId, rest: kind };
}

function isDeviceTopicKind(kind: string): kind is DeviceTopicKind {
  return (DEVICE_UPLINK_KINDS as readonly string[]).includes(kind) ||
    (DEVICE_DOWNLINK_KINDS as readonly string[]).includes(kind);
}

export function isUplinkKind(kind: DeviceTopicKind): kind is DeviceUplinkKind {
  return (DEVICE_UPLINK_KINDS as readonly string[]).includes(kind);
}

/** Topic filters a device may subscribe to: its own downlinks and the hub's status. */
export function deviceSubscriptionAllowList(centreId: string, deviceId: string): string[] {
  return [
    ...DEVICE_DOWNLINK_KINDS.map((kind) => deviceTopic(centreId, deviceId, kind)),
    hubStatusTopic(centreId),
  ];
}

function assertId(field: string, value: string): void {
  if (!isId(value)) throw new TypeError(`"${field}" must match ^[a-z0-9][a-z0-9-]{0,31}$: ${JSON.stringify(value)}`);
}
