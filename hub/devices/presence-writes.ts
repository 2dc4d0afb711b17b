import type { Statement } from 'better-sqlite3';
import type { DomainEvent } from '../../protocol/events/envelope.ts';
import type { WriteOperationRegistry, WriterContext } from '../store/writer/write-operations.ts';

/** A device came online or went offline: its `device.online`/`device.offline` event and its state row. */
export interface PresenceOp {
  kind: 'presence';
  deviceId: string;
  presence: 'online' | 'offline';
  atMs: number;
  fw: string | null;
  boot: string | null;
  event: DomainEvent;
}

/** A device's latest telemetry (kept as sent: validated and bounded in depth at the boundary). */
export interface TelemetryOp {
  kind: 'telemetry';
  deviceId: string;
  atMs: number;
  json: string;
}

declare module '../store/writer/write-operations.ts' {
  interface WriteOperations {
    presence: { op: PresenceOp; result: Record<string, never> };
    telemetry: { op: TelemetryOp; result: Record<string, never> };
  }
}

/** The devices feature's writes (table `device_state`), in the writer thread. */
export function registerPresenceWrites(registry: WriteOperationRegistry, context: WriterContext): void {
  const { db, outbox } = context;
  const upsertPresence: Statement = db.prepare(`INSERT INTO device_state (device_id, presence, since, fw, boot) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (device_id) DO UPDATE SET presence = excluded.presence, since = excluded.since,
      fw = COALESCE(excluded.fw, fw), boot = COALESCE(excluded.boot, boot)`);
  const upsertTelemetry: Statement = db.prepare(`INSERT INTO device_state (device_id, presence, since, telemetry, telemetry_at) VALUES (?, 'offline', ?, ?, ?)
    ON CONFLICT (device_id) DO UPDATE SET telemetry = excluded.telemetry, telemetry_at = excluded.telemetry_at`);
  registry.register('presence', {
    apply(op) {
      outbox.append(op.event, op.atMs);
      upsertPresence.run(op.deviceId, op.presence, op.atMs, op.fw, op.boot);
      return {};
    },
  });
  registry.register('telemetry', {
    apply(op) {
      upsertTelemetry.run(op.deviceId, op.atMs, op.json, op.atMs);
      return {};
    },
  });
}
