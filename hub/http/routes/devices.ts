import type { Database } from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf, type AccessTokens, type TokenGrant } from '../../auth/access-tokens.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import { CommandOp } from '../../../protocol/messages/command.ts';
import type { DeviceCommands } from '../../devices/device-commands.ts';
import type { PresenceTracker } from '../../devices/presence.ts';
import { DeviceQueries } from '../../devices/device-queries.ts';
import { readQuarantine } from '../../ingest/quarantine.ts';
import { requireRole } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { parseBody, parseQuery } from '../validation.ts';
import { listDevices } from './device-listing.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const QuarantineQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });
const CommandBody = z.strictObject({ op: CommandOp });

/**
 * For technicians: provisioned devices with live presence and last telemetry, and the
 * quarantine (messages acknowledged but set aside), so nothing refused is invisible.
 */
export function deviceRoutes(app: FastifyInstance, deps: { db: Database; tokens: AccessTokens; presence: PresenceTracker; commands: DeviceCommands; audit: AuditLog }): void {
  const devices = new DeviceQueries(deps.db);
  const technician = { onRequest: requireRole(deps.tokens, 'technician', 'manager') };

  app.get('/api/devices', technician, async () => ({ devices: listDevices(devices, deps) }));

  // identify (blink + beep) or selftest (buttons and LEDs): 200 with the device's answer.
  app.post<{ Params: { deviceId: string } }>('/api/devices/:deviceId/commands', technician, async (request) => {
    const { op } = parseBody(CommandBody, request.body);
    const { deviceId } = request.params;
    const outcome = await deps.commands.send(deviceId, op);
    await deps.audit.record({ actor: actorOf((request as typeof request & { grant: TokenGrant }).grant) }, 'device.command', deviceId, { op, outcome: outcome.kind });
    if (outcome.kind === 'not_connected') {
      // A typo or a device never provisioned is not a connection problem: say which it is.
      if (!devices.isActive(deviceId)) throw new ApiError(404, 'device_unknown', `device "${deviceId}" is not registered with this hub (huduma-hub device list shows the registered ones; device add registers one)`);
      throw new ApiError(409, 'device_not_connected', `device "${deviceId}" is registered but not connected to the hub now (is it powered and on the network?)`);
    }
    if (outcome.kind === 'timed_out') throw new ApiError(504, 'device_timeout', `device "${deviceId}" did not answer "${op}" in time`);
    return { result: outcome.result };
  });

  app.get('/api/quarantine', technician, async (request) => {
    const { limit } = parseQuery(QuarantineQuery, request.query);
    const rows = readQuarantine(deps.db, limit);
    return {
      messages: rows.map((row) => ({
        id: row.id,
        receivedAt: iso(row.receivedAt),
        deviceId: row.deviceId,
        topic: row.topic,
        reason: row.reason,
        detail: row.detail,
        payloadBytes: row.payloadBytes,
        payloadBase64: row.payload.toString('base64'),
      })),
    };
  });
}
