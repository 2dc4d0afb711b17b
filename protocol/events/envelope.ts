import { z } from 'zod';
import { IsoTime } from '../messages/common.ts';
import { ALERT_EVENT_SCHEMAS } from './alerts.ts';
import { AUDIT_EVENT_SCHEMAS } from './audit.ts';
import { DeviceOfflineData, DeviceOnlineData } from './device.ts';
import { FeedbackPressedData } from './feedback.ts';
import { PERIPHERAL_EVENT_SCHEMAS } from './peripherals.ts';
import { QUEUE_EVENT_SCHEMAS } from './queue.ts';

/**
 * The data schema of every domain event type, keyed by type. Later event types
 * (ticket.*, counter.*, printer.status …) are added here; changes are additive and a
 * consumer ignores unknown fields.
 */
export const EVENT_DATA_SCHEMAS = {
  'feedback.pressed': FeedbackPressedData,
  'device.online': DeviceOnlineData,
  'device.offline': DeviceOfflineData,
  ...QUEUE_EVENT_SCHEMAS,
  ...PERIPHERAL_EVENT_SCHEMAS,
  ...AUDIT_EVENT_SCHEMAS,
  ...ALERT_EVENT_SCHEMAS,
} as const;

export type EventType = keyof typeof EVENT_DATA_SCHEMAS;
export const EVENT_TYPES = Object.keys(EVENT_DATA_SCHEMAS) as EventType[];
export type EventData<T extends EventType> = z.infer<(typeof EVENT_DATA_SCHEMAS)[T]>;

/** A domain event as written to the outbox and sent to the Secretariat. */
export const EventEnvelope = z.object({
  /** Centre-unique, gap-free, never reused; starts at 1. */
  seq: z.int().min(1),
  type: z.string().min(1).max(64),
  /** When the hub recorded the event (hub clock). */
  at: IsoTime,
  data: z.unknown(),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

export type DomainEvent = { [T in EventType]: { type: T; data: EventData<T> } }[EventType];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_DATA_SCHEMAS, type);
}

/** Validates an envelope and, for known types, its data. Unknown types pass through. */
export function parseEventEnvelope(input: unknown): EventEnvelope {
  const envelope = EventEnvelope.parse(input);
  if (isEventType(envelope.type)) {
    return { ...envelope, data: EVENT_DATA_SCHEMAS[envelope.type].parse(envelope.data) };
  }
  return envelope;
}
