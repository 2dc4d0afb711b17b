/**
 * The one seam between the serial drivers and the operating system, in the shape of
 * node-serialport's bindings-interface (a binding opens ports; a port is promise-based):
 * `systemBinding` (serialport 13 on a real device or a PTY) and `LoopbackBinding` (an
 * in-process device, for tests on an injected clock) both implement it, and the same
 * contract suite (tests/hardware/serial/serial-line-contract.ts) runs against both.
 * Nothing above this file knows which one it talks to. See docs/protocols/serial-lines.md.
 */

/** How a port is opened: path and framing. The Alpha sign wants 7E1, the others 8N1. */
export interface SerialSettings {
  path: string;
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: 'none' | 'even' | 'odd' | 'mark' | 'space';
  stopBits: 1 | 1.5 | 2;
}

/** The modem status lines, as TIOCMGET reads them. */
export interface ModemStatus {
  cts: boolean;
  dsr: boolean;
  dcd: boolean;
}

export interface SerialBinding {
  /** Opens the port; rejects with the binding's own error (ENOENT, EBUSY, …) when it cannot. */
  open(settings: SerialSettings): Promise<SerialPortHandle>;
}

/**
 * One open port. Every method may reject with the binding's own error; the line above
 * (`SerialLine`) turns those into `SerialLineError`s with codes.
 */
export interface SerialPortHandle {
  readonly isOpen: boolean;
  /** Writes `bytes`; resolves once they and everything written before have drained to the device. */
  write(bytes: Buffer): Promise<void>;
  /** Sets modem control lines (a PTY has none: ENOTTY). */
  set(flags: { dtr?: boolean }): Promise<void>;
  /** Reads the modem status lines without a byte on the wire: the dead-line check (dead-line.ts). */
  get(): Promise<ModemStatus>;
  /** Closes the port; resolves once closed (at once if it already is). */
  close(): Promise<void>;
  /** Bytes read from the device, in order. */
  onData(listener: (bytes: Buffer) => void): void;
  /** The port went away under us (a read failed, the device vanished); called at most once. */
  onLost(listener: (error: Error) => void): void;
}
