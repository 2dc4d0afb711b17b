import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Id } from '../../../protocol/ids.ts';
import { actorOf, type AccessTokens, type TokenGrant } from '../../auth/access-tokens.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import type { DeviceStore } from '../../devices/device-store.ts';
import { isHubError } from '../../errors.ts';
import { requireRole } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { parseBody } from '../validation.ts';

const MoveBody = z.strictObject({ counterId: Id });

export interface DeviceAdminDeps {
  tokens: AccessTokens;
  audit: AuditLog;
  /** The same store `huduma-hub device move|revoke|rekey` writes (hub/devices/device-store.ts). */
  devices: DeviceStore;
  /** Applies a change at once (the registry drops a revoked or re-keyed device's connection, republishes a moved one's config). */
  refreshDevices: () => void;
  /** The running centre's counters (they change with a live config). */
  counterIds: () => ReadonlySet<string>;
}

/**
 * `PUT /api/devices/{id}/counter`, `DELETE /api/devices/{id}`, `POST /api/devices/{id}/rekey`
 * (docs/provisioning.md, "Device endpoints"): what `device move|revoke|rekey` do, for a
 * technician or manager on the LAN, each audited (never the new password).
 */
export function deviceAdminRoutes(app: FastifyInstance, deps: DeviceAdminDeps): void {
  const technician = { onRequest: requireRole(deps.tokens, 'technician', 'manager') };
  const actor = (request: FastifyRequest) => ({ actor: actorOf((request as FastifyRequest & { grant: TokenGrant }).grant) });

  app.put<{ Params: { deviceId: string } }>('/api/devices/:deviceId/counter', technician, async (request) => {
    const { counterId } = parseBody(MoveBody, request.body);
    const { deviceId } = request.params;
    const from = deps.devices.get(deviceId)?.counterId ?? null;
    const moved = storeCall(() => deps.devices.move(deviceId, counterId, deps.counterIds()));
    deps.refreshDevices();
    await deps.audit.record(actor(request), 'device.moved', deviceId, { from, to: moved.counterId });
    return { deviceId, counterId: moved.counterId };
  });

  app.delete<{ Params: { deviceId: string } }>('/api/devices/:deviceId', technician, async (request) => {
    const { deviceId } = request.params;
    const revoked = storeCall(() => deps.devices.revoke(deviceId));
    deps.refreshDevices();
    await deps.audit.record(actor(request), 'device.revoked', deviceId, { counterId: revoked.counterId });
    return { deviceId, counterId: revoked.counterId, revoked: true, revokedAt: new Date(revoked.revokedAt!).toISOString() };
  });

  app.post<{ Params: { deviceId: string } }>('/api/devices/:deviceId/rekey', technician, async (request) => {
    const { deviceId } = request.params;
    const issued = storeCall(() => deps.devices.rekey(deviceId));
    deps.refreshDevices();
    await deps.audit.record(actor(request), 'device.rekeyed', deviceId, { counterId: issued.counterId });
    // Shown once: only its digest is stored.
    return issued;
  });
}

/** The store's refusals as API errors: an unknown device 404, an unknown counter 400 (its message names the centre's counters). */
function storeCall<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (!isHubError(error)) throw error;
    if (error.code === 'device_unknown') throw new ApiError(404, 'device_unknown', error.message);
    if (error.code === 'counter_unknown' || error.code === 'id_invalid') throw new ApiError(400, error.code, error.message);
    throw error;
  }
}
