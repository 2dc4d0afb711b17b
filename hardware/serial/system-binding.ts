import { SerialPort } from 'serialport';
import type { ModemStatus, SerialBinding, SerialPortHandle, SerialSettings } from './serial-binding.ts';

/** Real serial devices and PTYs through serialport 13's native binding. */
export const systemBinding: SerialBinding = {
  async open(settings: SerialSettings): Promise<SerialPortHandle> {
    const port = new SerialPort({ ...settings, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    return new SystemPort(port);
  },
};

/**
 * A serialport 13 stream behind the promise interface. serialport never calls back a
 * write or drain on a port that closed under it, so the line above settles pending
 * writes itself when `onLost` fires (serial-line.ts).
 */
class SystemPort implements SerialPortHandle {
  readonly #port: SerialPort;
  #closing = false;
  #lost: ((error: Error) => void) | undefined;
  #lostError: Error | undefined;

  constructor(port: SerialPort) {
    this.#port = port;
    // serialport closes with a DisconnectedError when a read fails (a PTY whose socat
    // went away gives EIO), sometimes twice; any close we did not ask for is a loss.
    port.on('close', (error?: Error | null) => {
      if (!this.#closing) this.#report(error ?? new Error(`${port.path} was closed by the operating system`));
    });
    // Always listened to: a late error on a port given up on must not crash the process.
    port.on('error', (error: Error) => this.#report(error));
  }

  get isOpen(): boolean {
    return this.#port.isOpen && !this.#closing;
  }

  write(bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#port.write(bytes, (error) => error && reject(error));
      this.#port.drain((error) => (error ? reject(error) : resolve()));
    });
  }

  set(flags: { dtr?: boolean }): Promise<void> {
    return new Promise((resolve, reject) => this.#port.set(flags, (error) => (error ? reject(error) : resolve())));
  }

  get(): Promise<ModemStatus> {
    return new Promise((resolve, reject) =>
      this.#port.get((error, status) => (error || !status ? reject(error ?? new Error('no modem status')) : resolve({ cts: status.cts, dsr: status.dsr, dcd: status.dcd }))),
    );
  }

  close(): Promise<void> {
    this.#closing = true;
    if (!this.#port.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.#port.close(() => resolve()));
  }

  onData(listener: (bytes: Buffer) => void): void {
    this.#port.on('data', listener);
  }

  onLost(listener: (error: Error) => void): void {
    this.#lost = listener;
    if (this.#lostError) listener(this.#lostError);
  }

  #report(error: Error): void {
    if (this.#lostError || this.#closing) return;
    this.#lostError = error;
    this.#lost?.(error);
  }
}
