import type { EventEmitter } from 'node:events';
import type { SerialBinding } from '../serial/serial-binding.ts';

/**
 * What firmata-io needs from a transport (firmata-io 2.3.0 `lib/firmata.js`): an
 * emitter of `open`, `data`, `close`, `error` with `write(buf, cb)`. Ours is
 * `SerialFirmataTransport` on a serial line (firmata-transport.ts), over the OS or,
 * for the simulated boards' in-process attachments, over a loopback binding.
 */
export interface FirmataTransport extends EventEmitter {
  write(data: Buffer, callback?: (error?: Error | null) => void): unknown;
  close?(callback?: (error?: Error | null) => void): void;
}

/** A change of a pin the host drives (digital write or PWM), as seen on the board. */
export interface OutputChange {
  pin: number;
  /** true when the pin is driven high (PWM 255 counts as high, 0 as low). */
  high: boolean;
  /** PWM duty 0–255 when the host wrote an analog value, else undefined. */
  pwm?: number;
}

/** Something connected over serial right now: close it to unplug. */
export interface SerialAttachment {
  close(): Promise<void>;
}

/**
 * A Firmata board under test, whether the pure-JS emulator or the real StandardFirmata
 * firmware running in avr8js: one suite runs against both, and a divergence means the
 * emulator is wrong (docs/protocols/firmata.md §4).
 *
 * Events: `output` (OutputChange) whenever a host-driven pin changes level.
 */
export interface SimulatedFirmataBoard extends EventEmitter {
  /** External wiring drives an input: a button to ground pressed = `setInput(pin, false)`. */
  setInput(pin: number, high: boolean): void;
  /** Whether the board currently drives `pin` high. */
  outputHigh(pin: number): boolean;
  /** A transport connected to this board in-process (a loopback port of its own), for firmata-io. */
  attachTransport(): FirmataTransport;
  /** Serves the board on a serial device (one end of a PTY pair), 57600 baud; `binding` defaults to the OS's. */
  attachSerial(path: string, options?: { binding?: SerialBinding }): Promise<SerialAttachment>;
  /** Stops the board (and any attachment). */
  close(): Promise<void>;
}
