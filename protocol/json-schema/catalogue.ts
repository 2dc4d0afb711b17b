import { z } from 'zod';
import { DeviceCommandMessage, DeviceCommandResultMessage } from '../messages/command.ts';
import { DeviceConfigMessage } from '../messages/config.ts';
import { HubStatusMessage } from '../messages/hub-status.ts';
import { PairingClaimMessage, PairingReplyMessage } from '../messages/pairing.ts';
import { PressMessage } from '../messages/press.ts';
import { DeviceStatusMessage } from '../messages/status.ts';
import { TelemetryMessage } from '../messages/telemetry.ts';
import { EVENT_DATA_SCHEMAS, EventEnvelope } from '../events/envelope.ts';

/**
 * The JSON Schema files we publish for device vendors, generated from the zod schemas
 * (the only source of truth). `npm run gen:schemas` rewrites them; a test fails when
 * the committed files are stale.
 */
const CATALOGUE: Record<string, { title: string; schema: z.ZodType }> = {
  'press': { title: 'devices/{deviceId}/press (device → hub, QoS 1)', schema: PressMessage },
  'status': { title: 'devices/{deviceId}/status (device → hub, QoS 1, retained; last will)', schema: DeviceStatusMessage },
  'telemetry': { title: 'devices/{deviceId}/telemetry (device → hub, QoS 0)', schema: TelemetryMessage },
  'config': { title: 'devices/{deviceId}/config (hub → device, QoS 1, retained)', schema: DeviceConfigMessage },
  'cmd': { title: 'devices/{deviceId}/cmd (hub → device, QoS 1)', schema: DeviceCommandMessage },
  'cmd-result': { title: 'devices/{deviceId}/cmd/result (device → hub, QoS 1)', schema: DeviceCommandResultMessage },
  'pairing-claim': { title: 'pairing/{clientId}/claim (pairing client → hub, QoS 1)', schema: PairingClaimMessage },
  'pairing-reply': { title: 'pairing/{clientId}/reply (hub → that pairing client, QoS 1)', schema: PairingReplyMessage },
  'hub-status': { title: 'hub/status (hub → all, QoS 1, retained)', schema: HubStatusMessage },
  'event-envelope': { title: 'Domain event envelope (outbox, sync)', schema: EventEnvelope },
  ...Object.fromEntries(
    Object.entries(EVENT_DATA_SCHEMAS).map(([type, schema]) => [`event-${type}`, { title: `Domain event data: ${type}`, schema }]),
  ),
};

/** File name → file text, in a stable order. */
export function renderJsonSchemas(): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of Object.keys(CATALOGUE).sort()) {
    const entry = CATALOGUE[name]!;
    // `io: 'input'` describes what a sender may send (optional fields stay optional).
    const json = z.toJSONSchema(entry.schema, { io: 'input', target: 'draft-2020-12' });
    const doc = { $id: `https://huduma-hub.local/schemas/v1/${name}.schema.json`, title: entry.title, ...json };
    files.set(`${name}.schema.json`, `${JSON.stringify(doc, null, 2)}\n`);
  }
  return files;
}
