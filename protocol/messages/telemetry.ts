import { z } from 'zod';
import { FirmwareVersion, NonNegativeInt } from './common.ts';

/**
 * `devices/{deviceId}/telemetry`, device → hub, QoS 0. Informational; extra fields are
 * kept (vendors add their own), the known ones are typed.
 */
export const TelemetryMessage = z.looseObject({
  upMs: NonNegativeInt,
  queued: NonNegativeInt.optional(),
  dropped: NonNegativeInt.optional(),
  fw: FirmwareVersion.optional(),
});
export type TelemetryMessage = z.infer<typeof TelemetryMessage>;
