import { z } from 'zod';
import { Id } from '../ids.ts';
import { IsoTime } from './common.ts';

/** `hub/status`, hub → all, QoS 1, retained: hub availability for the devices. */
export const HubStatusMessage = z.object({
  state: z.enum(['online', 'offline']),
  centreId: Id,
  version: z.string().min(1),
  at: IsoTime,
});
export type HubStatusMessage = z.infer<typeof HubStatusMessage>;
