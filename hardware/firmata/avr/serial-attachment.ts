import { SerialPort } from 'serialport';
import { AvrHarnessError } from './avr-errors.ts';

/** StandardFirmata's `Firmata.begin(57600)`; the simulated UART runs at ~58,823 baud (UBRR 16, U2X). */
const FIRMATA_BAUD = 57_600;

/** The board's end of a serial device it serves. */
export interface SerialLink {
  /** Bytes the firmware transmitted, to go out on the device. */
  received(bytes: Uint8Array): void;
  /** The board is going away: close the device without waiting. */
  lost(error: Error | null): void;
  /** Closes the device; resolves once it is closed. */
  close(): Promise<void>;
}

/**
 * Opens `path` (the device end of a PTY pair, or a real serial adapter wired to a
 * real host) with serialport 13 and bridges it: bytes read go to the board's RX, bytes
 * the board transmits are written out. This is the production path (a host opening
 * `/dev/ttyUSB0`) short of a USB cable. `onClose` runs once when the device closes for
 * whatever reason.
 */
export async function attachSerialPort(path: string, bridge: { toBoard(bytes: Uint8Array): void; onClose(): void }): Promise<SerialLink> {
  const port = new SerialPort({ path, baudRate: FIRMATA_BAUD, autoOpen: false });
  await new Promise<void>((resolve, reject) =>
    port.open((error) => (error ? reject(new AvrHarnessError('serial_open_failed', `cannot open ${path} for the simulated board: ${error.message}`, { cause: error })) : resolve())),
  );
  const closed = new Promise<void>((resolve) => port.once('close', () => resolve()));
  void closed.then(() => bridge.onClose());
  // Copy: serialport reuses nothing, but the bytes cross to another thread.
  port.on('data', (chunk: Buffer) => bridge.toBoard(Uint8Array.from(chunk)));
  // A read or write error on the device (the other end of the PTY vanished, EIO) means
  // the host is gone; the board just loses its connection, as when a cable is pulled.
  port.on('error', () => close());

  function close(): Promise<void> {
    if (port.isOpen) port.close(() => undefined);
    return closed;
  }

  return {
    received(bytes) {
      if (port.isOpen) port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
    lost: () => void close(),
    close,
  };
}
