import { EventEmitter } from 'node:events';
import type { FeedbackPressedData } from '../protocol/events/feedback.ts';
import type { DeviceCommandResultMessage } from '../protocol/messages/command.ts';
import type { TelemetryMessage } from '../protocol/messages/telemetry.ts';
import type { TicketView } from '../protocol/queue/ticket.ts';

/**
 * The hub's in-process events, emitted after the change is committed. Features talk
 * through the store and this bus, never by importing each other.
 */
export interface HubEvents {
  'press.stored': [{ eventSeq: number; press: FeedbackPressedData }];
  /** Live presence, as soon as it changes. */
  'device.presence': [{ deviceId: string; online: boolean; at: number }];
  /** A presence change written to the outbox (paced per device, so possibly later). */
  'device.presenceStored': [{ deviceId: string; online: boolean; at: number }];
  'device.telemetry': [{ deviceId: string; telemetry: TelemetryMessage; at: number }];
  'device.commandResult': [{ deviceId: string; result: DeviceCommandResultMessage }];
  /** A queue command changed the queue (committed); pages are pushed a new snapshot. */
  'queue.changed': [{ kind: string; ticket: TicketView | null; counterId: string | null }];
  /** Something from a device (or a would-be device) was refused; counted and on disk. */
  'ingest.rejected': [{ reason: string; deviceId: string | null }];
}

export class EventBus extends EventEmitter<HubEvents> {}
