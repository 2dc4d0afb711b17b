import { systemClock, type Clock } from '../../runtime/clock.ts';
import type { SerialBinding, SerialSettings } from './serial-binding.ts';
import { openOnce, SerialLine } from './serial-line.ts';

/**
 * An emulator's end of a serial connection: the device end of a PTY pair, or an adapter
 * wired to a real host. Every emulator in hardware/ serves its device through this, so
 * each notices its host going away by the same dead-line policy as the drivers do.
 */
export interface DeviceEnd {
  /** Bytes the device transmits; lost when nobody listens, as on a wire. */
  transmit(bytes: Uint8Array): void;
  /** Whether earlier transmissions still wait to drain (a host that stopped reading). */
  readonly backlogged: boolean;
  /** Closes this end; resolves once closed (at once if it already is). */
  close(): Promise<void>;
}

export interface DeviceEndHandlers {
  /** Bytes from the host, as the device's UART hears them. */
  received(bytes: Buffer): void;
  /** The connection ended, once: closed here (no error) or lost (error: why). */
  ended(error: Error | undefined): void;
}

export interface DeviceEndOptions {
  binding?: SerialBinding;
  clock?: Clock;
  /** How often to check that the host side is still there. Default 100 ms: a device transmits little unasked, so no failed write would tell it. */
  lineCheckMs?: number;
}

/** Opens `settings.path` once (no reopen: whoever replugs attaches again); rejects with `open_failed`. */
export async function openDeviceEnd(settings: SerialSettings, handlers: DeviceEndHandlers, options: DeviceEndOptions = {}): Promise<DeviceEnd> {
  const line = new SerialLine({
    ...settings,
    ...(options.binding ? { binding: options.binding } : {}),
    clock: options.clock ?? systemClock,
    reconnect: false,
    lineCheckMs: options.lineCheckMs ?? 100,
    writeTimeoutMs: 0, // a device never gives up on its own transmissions
  });
  line.on('data', (bytes) => handlers.received(bytes));
  line.once('close', (error) => handlers.ended(error));
  await openOnce(line);
  return {
    transmit: (bytes) => {
      if (line.isOpen) line.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).catch(() => undefined); // a failure ends the line: `ended` says so
    },
    get backlogged() {
      return line.pendingWrites > 0;
    },
    close: () => line.stop(),
  };
}
