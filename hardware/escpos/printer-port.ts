import { SerialPort } from 'serialport';

/**
 * The part of serialport 13's `SerialPort` (a `SerialPortStream`) the driver uses: the
 * seam tests replace with an in-process port (style-anchors §1, zigbee-herdsman's
 * `serialPort.ts`). `SerialPort` and `SerialPortMock` satisfy it as they are.
 */
export interface PrinterPort {
  readonly isOpen: boolean;
  open(callback: (error: Error | null) => void): void;
  write(data: Buffer, callback?: (error: Error | null | undefined) => void): boolean;
  /** Calls back once everything written has been handed to the OS (or failed). */
  drain(callback: (error: Error | null) => void): void;
  close(callback?: (error: Error | null) => void): void;
  /** Reads the modem lines; used only to notice a device that vanished (`watchLine`). */
  get?(callback: (error: Error | null) => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  /** serialport closes with a `DisconnectedError` when a read fails (a PTY gives EIO). */
  on(event: 'close', listener: (error?: Error | null) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  removeAllListeners(): this;
}

export type PortFactory = (options: { path: string; baudRate: number }) => PrinterPort;

/** A real serial device (or PTY) through serialport 13's native binding, opened later. */
export const openSerialPort: PortFactory = ({ path, baudRate }) => new SerialPort({ path, baudRate, autoOpen: false });
