import type { OutputChange } from '../simulated-board.ts';
import type { InputLevel } from './atmega328p.ts';

/** Given to the simulator thread at start (`workerData`). */
export interface SimulatorSetup {
  /** Flash image, 32 KiB. */
  flash: Uint8Array;
  /** External level of each pin at power-on (`null` = open). */
  inputs: InputLevel[];
  /** Simulated seconds per wall second. */
  speed: number;
}

export type ToSimulator =
  /** Power-on or DTR reset: start the firmware from scratch. */
  | { type: 'reset' }
  /** Bytes from the host on RX0. */
  | { type: 'rx'; bytes: Uint8Array }
  | { type: 'input'; pin: number; level: InputLevel }
  /** Stop running instructions (the thread is then terminated). */
  | { type: 'stop' };

export type FromSimulator =
  | { type: 'ready' }
  /** Bytes the firmware sent on TX0 during one slice. */
  | { type: 'tx'; bytes: Uint8Array }
  /** Host-driven pins whose reported state changed during one slice, in order. */
  | { type: 'output'; changes: OutputChange[] };
