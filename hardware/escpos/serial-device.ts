import { SerialPort } from 'serialport';
import { systemPrinterClock } from './clock.ts';
import { EscposError } from './errors.ts';
import { watchLine } from './line-watch.ts';

/** How often the emulator checks that its serial device is still there. */
const LINE_CHECK_MS = 100;

/** The printer's end of a serial device it serves (the emulator's UART). */
export interface SerialDevice {
  /** Bytes the printer transmits. */
  deliver(bytes: Buffer): void;
  /** Closes the device; resolves once closed (at once if it already is). */
  close(): Promise<void>;
}

/**
 * Opens `path` (the device end of a PTY pair, hardware-protocols.md §1.9, or an adapter
 * wired to a real host) with serialport 13 at `baudRate`: bytes read go to `received`,
 * `onEnd` runs once when the device closes for whatever reason, including the far side
 * of a PTY vanishing (noticed by `watchLine` within 100 ms).
 */
export async function openSerialDevice(
  path: string,
  baudRate: number,
  handlers: { received(bytes: Buffer): void; onEnd(error: Error | undefined): void },
): Promise<SerialDevice> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) =>
    port.open((error) =>
      error ? reject(new EscposError('serial_open_failed', `cannot open ${path} for the emulated printer: ${error.message}`, { cause: error })) : resolve(),
    ),
  );
  let failure: Error | undefined;
  const closed = new Promise<void>((resolve) =>
    port.once('close', (error?: Error | null) => {
      failure ??= error ?? undefined;
      resolve();
    }),
  );
  // A printer transmits nothing unasked, so no failed write would tell it the host side
  // vanished: watch the line instead.
  const stopWatching = watchLine(port, systemPrinterClock, LINE_CHECK_MS, (error) => {
    failure ??= error;
    void close();
  });
  void closed.then(() => {
    stopWatching();
    handlers.onEnd(failure);
  });
  port.on('data', (chunk: Buffer) => handlers.received(chunk));
  port.on('error', (error: Error) => {
    failure ??= error;
    void close();
  });

  function close(): Promise<void> {
    if (port.isOpen) port.close(() => undefined);
    return closed;
  }

  return {
    deliver(bytes) {
      if (port.isOpen) port.write(bytes);
    },
    close,
  };
}
