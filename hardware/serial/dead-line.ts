import type { Clock } from '../../runtime/clock.ts';
import type { SerialPortHandle } from './serial-binding.ts';

/**
 * The one rule by which every serial line in hardware/ decides that its far end is gone
 * (docs/protocols/serial-lines.md §3). A line is dead when
 *  1. the binding reports it lost (a read failed, the OS closed the port), or
 *  2. a write fails, for whatever reason, or
 *  3. the idle check below fails with a dead-line error.
 * `SerialLine` applies all three; nothing else in hardware/ decides it.
 */

/**
 * Errors that mean the device is gone: EIO (a PTY whose socat went away, a USB adapter
 * mid-removal) or ENXIO/ENODEV (the adapter is gone). serialport's native binding
 * reports them as message text only ("Input/output error, cannot get"). A live PTY
 * answers the modem-line read with ENOTTY ("Inappropriate ioctl for device") and a real
 * UART with its lines: both alive.
 */
export function isDeadLineError(error: Error | null | undefined): boolean {
  if (!error) return false;
  const code = (error as { code?: unknown }).code;
  if (code === 'EIO' || code === 'ENXIO' || code === 'ENODEV') return true;
  return /Input\/output error|No such device|\bEIO\b|\bENXIO\b|\bENODEV\b/i.test(error.message);
}

/**
 * Reads the modem lines of `port` every `intervalMs` (no byte on the wire, so no device
 * protocol is disturbed) and calls `onDead` once when the read fails with a dead-line
 * error. Why a check at all: when socat or a USB adapter goes away, serialport 13 on
 * Linux often never sees a read fail (on PTY pairs neither end noticed within 2 s in
 * about a third of runs), while TIOCMGET and writes fail with EIO at once. 0 = no
 * check. Returns a cancel function.
 */
export function watchLine(port: Pick<SerialPortHandle, 'isOpen' | 'get'>, clock: Clock, intervalMs: number, onDead: (error: Error) => void): () => void {
  let cancelTimer: (() => void) | undefined;
  let stopped = false;
  const schedule = (): void => {
    cancelTimer = clock.setTimer(check, intervalMs);
  };
  function check(): void {
    if (stopped || !port.isOpen) return;
    port.get().then(
      () => stopped || schedule(),
      (error: Error) => {
        if (stopped) return;
        if (!isDeadLineError(error)) return schedule();
        stopped = true;
        onDead(error);
      },
    );
  }
  if (intervalMs > 0) schedule();
  return () => {
    stopped = true;
    cancelTimer?.();
  };
}
