import type { PrinterClock } from './clock.ts';

/** The part of serialport 13's port the watch uses: `get()` reads the modem lines (TIOCMGET). */
export interface WatchablePort {
  readonly isOpen: boolean;
  get?(callback: (error: Error | null) => void): void;
}

/**
 * Errors that mean the device is gone: EIO (a PTY whose other side closed, a USB adapter
 * mid-removal) or ENXIO/ENODEV (the adapter is gone). bindings-cpp reports them as
 * message text only ("Input/output error, cannot get"). A live PTY answers TIOCMGET
 * with ENOTTY ("Inappropriate ioctl for device") and a real UART with the lines: alive.
 */
export function isDeadLineError(error: Error | null | undefined): boolean {
  return !!error && /Input\/output error|No such device|\bEIO\b|\bENXIO\b|\bENODEV\b/i.test(error.message);
}

/**
 * Checks every `intervalMs` that the device behind `port` is still there, without a byte
 * on the wire, and calls `onDead` once if not. Why: when socat (or a USB adapter) goes
 * away, serialport 13 on Linux often never sees the read fail (measured on the PTY
 * pairs of hardware-protocols.md §1.9: neither end noticed within 2 s in about a third
 * of runs), while a write or TIOCMGET fails with EIO at once. Returns a cancel function.
 */
export function watchLine(port: WatchablePort, clock: PrinterClock, intervalMs: number, onDead: (error: Error) => void): () => void {
  let cancelTimer: (() => void) | undefined;
  let stopped = false;
  const schedule = (): void => {
    cancelTimer = clock.setTimer(check, intervalMs);
  };
  function check(): void {
    if (stopped || !port.isOpen || !port.get) return;
    port.get((error) => {
      if (stopped) return;
      if (isDeadLineError(error)) {
        stopped = true;
        onDead(error!);
      } else {
        schedule();
      }
    });
  }
  if (intervalMs > 0 && port.get) schedule();
  return () => {
    stopped = true;
    cancelTimer?.();
  };
}
