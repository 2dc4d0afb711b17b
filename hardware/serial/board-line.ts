import type { Clock } from '../../runtime/clock.ts';
import type { SerialBinding, SerialSettings } from './serial-binding.ts';
import { doublingSchedule } from '../../runtime/backoff.ts';
import { SerialLine } from './serial-line.ts';

/**
 * The line options the display drivers (Alpha hall board, DM-D counter display) take
 * and pass through to their `SerialLine`: the port, its framing, and how the line is kept.
 */
export interface BoardLineOptions {
  /** Serial device (a `/dev/serial/by-id/…` path in production). */
  path: string;
  baudRate?: number;
  dataBits?: 7 | 8;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
  clock?: Clock;
  /** First reopen delay after the line drops; doubles per failed attempt up to `maxReconnectMs`. Defaults 500 / 10 000. */
  reconnectMs?: number;
  maxReconnectMs?: number;
  /** How often the idle line is checked for a vanished device (docs/protocols/serial-lines.md §3). Default 5000; 0 = off. */
  lineCheckMs?: number;
  /** A write not drained by then rejects with `write_timeout`. Default 5000. */
  writeTimeoutMs?: number;
  /** Default: serialport on the OS. Tests pass a `LoopbackBinding`. */
  binding?: SerialBinding;
}

/** The driver's `SerialLine`: `framing` fills what `options` leaves unset. */
export function boardLine(options: BoardLineOptions, framing: Omit<SerialSettings, 'path'> & { dtr?: boolean }, clock: Clock): SerialLine {
  return new SerialLine({
    path: options.path,
    baudRate: options.baudRate ?? framing.baudRate,
    dataBits: options.dataBits ?? framing.dataBits,
    parity: options.parity ?? framing.parity,
    stopBits: options.stopBits ?? framing.stopBits,
    ...(framing.dtr === undefined ? {} : { dtr: framing.dtr }),
    clock,
    reconnectDelaysMs: doublingSchedule(options.reconnectMs ?? 500, options.maxReconnectMs ?? 10_000),
    lineCheckMs: options.lineCheckMs ?? 5000,
    writeTimeoutMs: options.writeTimeoutMs ?? 5000,
    ...(options.binding === undefined ? {} : { binding: options.binding }),
  });
}
