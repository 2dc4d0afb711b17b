import { EventEmitter } from 'node:events';
import type { AlertKind } from '../protocol/events/alerts.ts';
import type { FeedbackPressedData } from '../protocol/events/feedback.ts';
import type { DeviceCommandResultMessage } from '../protocol/messages/command.ts';
import type { TelemetryMessage } from '../protocol/messages/telemetry.ts';
import type { TicketView } from '../protocol/queue/ticket.ts';
import type { Logger } from './logger.ts';

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
  /** An alert was raised, cleared or resolved (committed with its alert.* event; docs/alerts.md). */
  'alert.changed': [{ alertId: number; kind: AlertKind | null; state: 'active' | 'cleared' | 'resolved' }];
  /** Something from a device (or a would-be device) was refused; counted and on disk. */
  'ingest.rejected': [{ reason: string; deviceId: string | null }];
}

type EventName = keyof HubEvents;
type Listener<K extends EventName> = (...args: HubEvents[K]) => unknown;

/**
 * A typed bus whose listeners cannot hurt the emitter: each runs on its own, and one
 * that throws (or rejects) is logged and counted, never propagated. Events are emitted
 * by code that has just committed something and is releasing acknowledgements (the
 * store writer's callbacks, a queue command's answer): a listener's bug must not turn
 * a committed ticket into a 500 or stop the PUBACKs of a batch (zigbee2mqtt's eventBus
 * does the same).
 */
export class EventBus {
  readonly #emitter = new EventEmitter();
  readonly #wrapped = new Map<EventName, Map<Listener<never>, (...args: unknown[]) => void>>();
  #log: Logger | null = null;
  #failures = 0;

  /** Where listener failures are logged (set by the composition root once it has a logger). */
  useLogger(log: Logger): void {
    this.#log = log;
  }

  /** Listener calls that threw or rejected since start. */
  get listenerFailures(): number {
    return this.#failures;
  }

  on<K extends EventName>(event: K, listener: Listener<K>): void {
    const isolated = (...args: unknown[]) => {
      try {
        const returned = (listener as (...a: unknown[]) => unknown)(...args);
        if (returned instanceof Promise) returned.catch((error: unknown) => this.#failed(event, error));
      } catch (error) {
        this.#failed(event, error);
      }
    };
    let listeners = this.#wrapped.get(event);
    if (!listeners) this.#wrapped.set(event, (listeners = new Map()));
    listeners.set(listener as Listener<never>, isolated);
    this.#emitter.on(event, isolated);
  }

  /** `listener` for the next `event` only. */
  once<K extends EventName>(event: K, listener: Listener<K>): void {
    const onceOnly: Listener<K> = (...args) => {
      this.off(event, onceOnly);
      return listener(...args);
    };
    this.on(event, onceOnly);
  }

  /** Resolves with the next `event`'s arguments. */
  next<K extends EventName>(event: K): Promise<HubEvents[K]> {
    return new Promise((resolve) => this.once(event, (...args) => resolve(args)));
  }

  off<K extends EventName>(event: K, listener: Listener<K>): void {
    const isolated = this.#wrapped.get(event)?.get(listener as Listener<never>);
    if (!isolated) return;
    this.#wrapped.get(event)!.delete(listener as Listener<never>);
    this.#emitter.off(event, isolated);
  }

  emit<K extends EventName>(event: K, ...args: HubEvents[K]): void {
    this.#emitter.emit(event, ...args);
  }

  listenerCount(event: EventName): number {
    return this.#emitter.listenerCount(event);
  }

  #failed(event: EventName, error: unknown): void {
    this.#failures++;
    this.#log?.error({ err: error, event }, 'an event listener failed; the event was delivered to the others');
  }
}
