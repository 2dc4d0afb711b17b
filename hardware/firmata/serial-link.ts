import { SerialPort } from 'serialport';
import { FirmataEmulatorError } from './emulator-errors.ts';

/** StandardFirmata's `Firmata.begin(57600)`. */
const FIRMATA_BAUD = 57_600;

/** The board's end of a serial device it serves. */
export interface SerialLink {
  /** Bytes the board transmitted, written out on the device. */
  deliver(bytes: Buffer): void;
  /** Whether earlier writes are still waiting for the device to take them. */
  readonly backlogged: boolean;
  /** Closes the device; resolves once it is closed (at once if it already is). */
  close(): Promise<void>;
}

/**
 * Opens `path` (the device end of a PTY pair, or a serial adapter wired to a real host)
 * with serialport 13: bytes read go to `toBoard`, bytes the board transmits go out.
 * `onEnd` runs once when the device closes for whatever reason. On a PTY the far end
 * vanishing is noticed only when a write fails with EIO; that error ends the link too,
 * as pulling the cable would.
 */
export async function openSerialLink(
  path: string,
  handlers: { toBoard(bytes: Buffer): void; onEnd(error: Error | undefined): void },
): Promise<SerialLink> {
  const port = new SerialPort({ path, baudRate: FIRMATA_BAUD, autoOpen: false });
  await new Promise<void>((resolve, reject) =>
    port.open((error) =>
      error ? reject(new FirmataEmulatorError('serial_open_failed', `cannot open ${path} for the emulated board: ${error.message}`, { cause: error })) : resolve(),
    ),
  );
  let failure: Error | undefined;
  // serialport closes with a DisconnectedError (and no 'error' event) when a read fails.
  const closed = new Promise<void>((resolve) =>
    port.once('close', (error?: Error | null) => {
      failure ??= error ?? undefined;
      resolve();
    }),
  );
  void closed.then(() => handlers.onEnd(failure));
  port.on('data', (chunk: Buffer) => handlers.toBoard(chunk));
  port.on('error', (error: Error) => {
    failure ??= error;
    void close();
  });

  function close(): Promise<void> {
    if (port.isOpen) port.close(() => undefined);
    return closed;
  }

  let writing = 0;
  return {
    deliver(bytes) {
      if (!port.isOpen) return;
      writing++;
      port.write(bytes, () => writing--);
    },
    get backlogged() {
      return writing > 0;
    },
    close,
  };
}
