import { z } from 'zod';

export const CommandId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 characters of [A-Za-z0-9_-]');

/** Operations a device understands; a device answers an unknown op with `ok: false`. */
export const CommandOp = z.enum(['identify', 'selftest']);
export type CommandOp = z.infer<typeof CommandOp>;

/** `devices/{deviceId}/cmd`, hub → device, QoS 1. */
export const DeviceCommandMessage = z.object({
  id: CommandId,
  op: CommandOp,
  args: z.record(z.string(), z.unknown()).optional(),
});
export type DeviceCommandMessage = z.infer<typeof DeviceCommandMessage>;

/** `devices/{deviceId}/cmd/result`, device → hub, QoS 1; `id` echoes the command's. */
export const DeviceCommandResultMessage = z.object({
  id: CommandId,
  ok: z.boolean(),
  data: z.record(z.string(), z.unknown()).optional(),
  error: z.object({ code: z.string().min(1).max(64), message: z.string().max(500) }).optional(),
});
export type DeviceCommandResultMessage = z.infer<typeof DeviceCommandResultMessage>;
