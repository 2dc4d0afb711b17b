/**
 * A long-lived part of the hub: the composition root (hub.ts) constructs it (the
 * constructor only assigns and wires), calls `start()` in dependency order and `stop()`
 * in the reverse order, so a start that fails half-way leaves nothing running. `stop()`
 * releases everything `start()` took (lines, timers, listeners) and is called once.
 */
export interface HubPart {
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}
