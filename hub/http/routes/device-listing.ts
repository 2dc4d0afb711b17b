import type { Database } from 'better-sqlite3';
import type { DeviceQueries } from '../../devices/device-queries.ts';
import type { PresenceTracker } from '../../devices/presence.ts';
import { readDeviceRefusals } from '../../ingest/device-refusals.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The devices as a technician sees them (`GET /api/devices` and the technician
 * stream): provisioned devices with live presence, last telemetry and what was refused
 * from each, by reason (over_budget, clock_ahead, malformed …).
 */
export function listDevices(devices: DeviceQueries, deps: { db: Database; presence: PresenceTracker }) {
  const refusals = readDeviceRefusals(deps.db);
  const refusedBy = (deviceId: string) =>
    Object.fromEntries(Object.entries(refusals.get(deviceId) ?? {}).map(([reason, r]) => [reason, { count: r.count, lastAt: iso(r.lastAt), lastDetail: r.lastDetail }]));
  return devices.list().map((row) => ({
    deviceId: row.deviceId,
    counterId: row.counterId,
    revoked: row.revokedAt !== null,
    online: deps.presence.isOnline(row.deviceId),
    connected: deps.presence.isConnected(row.deviceId),
    fw: row.fw,
    boot: row.boot,
    presenceSince: iso(row.since),
    telemetry: row.telemetry === null ? null : JSON.parse(row.telemetry),
    telemetryAt: iso(row.telemetryAt),
    createdAt: iso(row.createdAt),
    refused: refusedBy(row.deviceId),
  }));
}
